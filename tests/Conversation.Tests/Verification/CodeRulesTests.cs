using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Verification;

/// <summary>
/// One-time code rules the engine applies across conversations (rate limits per number and per client,
/// UK mobiles only) and the ones that matter for safety (no sixth try, an old code dies with a resend,
/// no code in clear anywhere but the text itself). The per-conversation rules are in Intake/OneTimeCodeStepTests.
/// </summary>
public sealed class CodeRulesTests : IDisposable
{
    private const string NumberLimitReason = "We've sent as many codes to that number as we can for now.";
    private const string ClientLimitReason = "We've sent as many codes as we can for now.";
    private const string CarriesOn = "We'll carry on without checking your phone. Your request will still reach us.";

    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_number_gets_no_more_codes_across_conversations_once_its_limit_is_reached_and_the_patient_carries_on_unverified()
    {
        _harness.Verification.MaxCodesPerNumber = 2;
        var engine = _harness.NewEngine();

        (await Visitor.ToCodeAsync(engine, "203.0.113.1")).Step.ShouldBe("otp");
        (await Visitor.ToCodeAsync(engine, "203.0.113.2")).Step.ShouldBe("otp");
        var third = await Visitor.ToCodeAsync(engine, "203.0.113.3");

        third.Step.ShouldBe("contact-preference");
        third.Said.ShouldContain($"{NumberLimitReason} {CarriesOn}");
        (await OtpTextsAsync(Walks.JanePhone)).Count.ShouldBe(2);

        await third.SayAsync("1");
        await third.SayAsync("1");
        third.Step.ShouldBe("submitted");
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single().Contact.Verified.ShouldBeFalse();
    }

    [Fact]
    public async Task A_resend_counts_against_the_number_limit_too()
    {
        _harness.Verification.MaxCodesPerNumber = 2;
        var visitor = await Visitor.ToCodeAsync(_harness.NewEngine(), "203.0.113.1");

        await visitor.SayAsync("resend");
        visitor.Step.ShouldBe("otp");
        await visitor.SayAsync("resend");

        visitor.Step.ShouldBe("contact-preference");
        visitor.Said.ShouldContain(NumberLimitReason);
        (await OtpTextsAsync(Walks.JanePhone)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_client_gets_no_more_codes_once_its_limit_is_reached_whatever_numbers_it_gives()
    {
        _harness.Verification.MaxCodesPerClient = 2;
        var engine = _harness.NewEngine();

        (await Visitor.ToCodeAsync(engine, "203.0.113.9", "07700 900201")).Step.ShouldBe("otp");
        (await Visitor.ToCodeAsync(engine, "203.0.113.9", "07700 900202")).Step.ShouldBe("otp");
        var third = await Visitor.ToCodeAsync(engine, "203.0.113.9", "07700 900203");
        var elsewhere = await Visitor.ToCodeAsync(engine, "198.51.100.4", "07700 900204");

        third.Step.ShouldBe("contact-preference");
        third.Said.ShouldContain($"{ClientLimitReason} {CarriesOn}");
        (await OtpTextsAsync("+447700900203")).ShouldBeEmpty();
        elsewhere.Step.ShouldBe("otp");
        (await OtpTextsAsync("+447700900204")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Once_the_window_has_passed_the_number_gets_codes_again()
    {
        _harness.Verification.MaxCodesPerNumber = 1;
        var engine = _harness.NewEngine();
        await Visitor.ToCodeAsync(engine, "203.0.113.1");
        (await Visitor.ToCodeAsync(engine, "203.0.113.2")).Step.ShouldBe("contact-preference");

        // The limit reads the last fixed hour in part (a sliding window): after two, nothing of 10:00 is left.
        _harness.Clock.Advance(TimeSpan.FromHours(2));

        (await Visitor.ToCodeAsync(engine, "203.0.113.3")).Step.ShouldBe("otp");
    }

    [Fact]
    public async Task A_landline_never_reaches_the_code_step_and_a_premium_number_is_refused_with_a_reason()
    {
        var engine = _harness.NewEngine();
        var visitor = await Visitor.ToPhoneAsync(engine, "203.0.113.1");

        await visitor.SayAsync("0909 879 0880");
        visitor.Step.ShouldBe("phone");
        visitor.Said.ShouldContain("not a premium");

        await visitor.SayAsync("0113 496 0001");
        visitor.Step.ShouldBe("review");
        (await _harness.Outbox.ListForRecipientAsync("+441134960001", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task After_five_wrong_codes_a_sixth_try_is_refused_even_with_the_right_code()
    {
        var visitor = await Visitor.ToCodeAsync(_harness.NewEngine(), "203.0.113.1");
        var right = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        var wrong = right == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await visitor.SayAsync(wrong);
        }

        visitor.Step.ShouldBe("contact-preference");
        await visitor.SayAsync("back");
        visitor.Said.ShouldContain("We can't send another code");
        visitor.Step.ShouldBe("contact-preference");
        await visitor.SayAsync(right);
        visitor.Step.ShouldBe("contact-preference");

        await visitor.SayAsync("1");
        await visitor.SayAsync("1");
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single().Contact.Verified.ShouldBeFalse();
        (await OtpTextsAsync(Walks.JanePhone)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_resent_code_replaces_the_old_one_which_then_counts_as_wrong()
    {
        var visitor = await Visitor.ToCodeAsync(_harness.NewEngine(), "203.0.113.1");
        var old = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        var fresh = old;
        for (var sends = 0; fresh == old && sends < 3; sends++)
        {
            await visitor.SayAsync("resend");
            fresh = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        }

        fresh.ShouldNotBe(old);
        await visitor.SayAsync(old);
        visitor.Step.ShouldBe("otp");
        visitor.Said.ShouldContain("4 tries left");

        await visitor.SayAsync(fresh);
        visitor.Step.ShouldBe("contact-preference");
    }

    [Fact]
    public async Task A_code_is_never_logged_or_stored_in_clear_only_texted_to_the_number_given()
    {
        var logs = new CapturedLogger<IntakeEngine>();
        var engine = new IntakeEngine(
            _harness.Conversations,
            _harness.Requests,
            _harness.Rules,
            new OutboxSender(_harness.Outbox, _harness.OptOuts, _harness.Messages, _harness.Clock),
            _harness.Counters,
            new OneTimeCodes(Options.Create(_harness.Verification)),
            _harness.Clock,
            Options.Create(_harness.Options),
            Options.Create(_harness.Verification),
            logs,
            _harness.CodeLimiter());
        var visitor = await Visitor.ToCodeAsync(engine, "203.0.113.1");
        var first = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        await visitor.SayAsync(first == "000000" ? "111111" : "000000");
        await visitor.SayAsync("resend");
        var second = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        await visitor.SayAsync(second);
        await visitor.SayAsync("1");
        await visitor.SayAsync("1");
        visitor.Step.ShouldBe("submitted");

        var texts = await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 10);
        texts.Where(t => t.Purpose == TextPurpose.Code).Select(t => t.Body[..6]).ShouldBe([second, first]);
        foreach (var code in new[] { first, second })
        {
            var places = await PlacesHoldingAsync(code);
            places.ShouldBe([$"outbox:otp:{Walks.JanePhone}"], $"code {code} found in {string.Join(", ", places)}");
            logs.All.ShouldNotMatch($"(?<!\\d){code}(?!\\d)");
        }

        logs.Lines.ShouldContain(l => l.Contains("Wrong one-time code", StringComparison.Ordinal));
        foreach (var personal in new[] { "+447700900123", "07700", "Jane", "Smith", "2010", "LS1" })
        {
            logs.All.ShouldNotContain(personal);
        }
    }

    private async Task<IReadOnlyList<OutboxMessage>> OtpTextsAsync(string to) =>
        [.. (await _harness.Outbox.ListForRecipientAsync(to, 50)).Where(t => t.Purpose == TextPurpose.Code)];

    /// <summary>Every row of every table in the SQLite file, read as text, where the code appears as a whole number.</summary>
    private async Task<List<string>> PlacesHoldingAsync(string code)
    {
        var pattern = new Regex($"(?<!\\d){code}(?!\\d)");
        var places = new List<string>();
        await using var connection = await _harness.Database.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.ShouldContain("conversations");
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\";";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).ToList();
                if (row.Any(v => pattern.IsMatch(v!)))
                {
                    places.Add(table == "outbox" ? $"outbox:{Column(reader, "purpose")}:{Column(reader, "recipient", "to", "to_number")}" : table);
                }
            }
        }

        return places;
    }

    private static string? Column(System.Data.Common.DbDataReader reader, params string[] names)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (names.Contains(reader.GetName(i), StringComparer.OrdinalIgnoreCase))
            {
                return Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>A patient on the web, from one IP address, talking to one engine.</summary>
    private sealed class Visitor(IntakeEngine engine, string clientAddress)
    {
        private int _inputs;

        public string Key { get; } = $"test:{Guid.NewGuid():N}";

        public TurnResult Last { get; private set; } = null!;

        public string Step => Last.Step.ToId();

        public string Said => string.Join("\n", Last.Replies.Select(r => r.Text));

        public static async Task<Visitor> ToPhoneAsync(IntakeEngine engine, string clientAddress)
        {
            var visitor = new Visitor(engine, clientAddress);
            visitor.Last = await engine.HandleAsync(new TurnInput(visitor.Key, "riverside-gp", Channel.WebChat, "open", null, null, clientAddress));
            foreach (var answer in new[] { "1", "1", "Sore knee", "No", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE" })
            {
                await visitor.SayAsync(answer);
            }

            visitor.Step.ShouldBe("phone");
            return visitor;
        }

        /// <summary>To the point where a code is sent (or refused): the phone given and "yes, I have it with me".</summary>
        public static async Task<Visitor> ToCodeAsync(IntakeEngine engine, string clientAddress, string phone = "07700 900123")
        {
            var visitor = await ToPhoneAsync(engine, clientAddress);
            await visitor.SayAsync(phone);
            visitor.Step.ShouldBe("mobile-access");
            await visitor.SayAsync("yes");
            return visitor;
        }

        public async Task SayAsync(string text) =>
            Last = await engine.HandleAsync(new TurnInput(Key, "riverside-gp", Channel.WebChat, $"in-{++_inputs}", text, null, clientAddress));
    }
}
