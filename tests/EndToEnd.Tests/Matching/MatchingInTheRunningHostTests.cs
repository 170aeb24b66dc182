using PatientContact.Inbox.Messaging;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Matching;

/// <summary>
/// A patient's whole conversation in the running Development host, then the background worker matching
/// the stored request against the host's own local PDS over HTTP, looking at what channels do not show:
/// the audit trail and every log line. The engine is driven in the host (the entry point every channel
/// calls); every outcome by web chat and by SMS is in MatchingOverChannelsTests.
/// </summary>
public sealed partial class MatchingInTheRunningHostTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(FastMatching(), services => services.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static Dictionary<string, string?> FastMatching(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Matching:PollInterval"] = "00:00:00.100" };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Jane_smith_with_her_verified_mobile_arrives_matched_with_her_nhs_number()
    {
        var (request, _) = await SubmitAsync(_host);

        request.Match.ShouldBe(new MatchResult(MatchStatus.Matched, null, "9000000009"));
        var audit = await _host.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { ReferenceId = request.ReferenceId });
        audit.ShouldContain(a => a.Actor == "system" && a.Action == "match" && a.Detail == "matched");
    }

    [Fact]
    public async Task Nothing_the_patient_typed_their_code_or_their_nhs_number_reaches_the_logs_of_a_whole_match()
    {
        var (request, _) = await SubmitAsync(_host);

        request.Match.Status.ShouldBe(MatchStatus.Matched);
        var code = (await _host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync("+447700900123", 10)).First(t => t.Purpose == TextPurpose.Code).Body[..6];
        _logs.All.ShouldContain(request.ReferenceId);
        _logs.All.ShouldContain("PDS search");
        foreach (var personal in new[] { "Jane", "Smith", "2010-10-22", "22/10/2010", "LS1", "+447700900123", "07700 900123", "07700900123", "9000000009", "cough", code })
        {
            _logs.All.ShouldNotContain(personal);
        }
    }

    /// <summary>
    /// Walks a patient through to a reference ID and waits for the worker to decide the match. Returns the
    /// stored request and what the patient was told from "Submit" on (reference ID and phone number replaced).
    /// </summary>
    public static async Task<(ContactRequest Request, string Told)> SubmitAsync(
        ServiceHost host,
        string first = "Jane",
        string last = "Smith",
        string born = "22/10/2010",
        string postcode = "LS1 6AE",
        string phone = "07700 900123",
        bool hasPhone = true)
    {
        var engine = host.Services.GetRequiredService<IntakeEngine>();
        var outbox = host.Services.GetRequiredService<IOutboxStore>();
        var key = "e2e:" + Guid.NewGuid().ToString("N");
        var inputs = 0;
        async Task<TurnResult> Say(string? text) =>
            await engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, text is null ? "open" : $"in-{++inputs}", text, null, "127.0.0.1"));

        await Say(null);
        foreach (var answer in new[] { "1", "1", "I have had a cough for two weeks.", "2", "1", first, last, born, "1", postcode, phone })
        {
            await Say(answer);
        }

        var result = await Say(hasPhone ? "yes" : "no");
        if (hasPhone)
        {
            result.Step.ToId().ShouldBe("otp");
            var e164 = "+44" + phone.Replace(" ", string.Empty, StringComparison.Ordinal)[1..];
            var code = (await outbox.ListForRecipientAsync(e164, 10)).First(t => t.Purpose == TextPurpose.Code).Body[..6];
            result = await Say(code);
        }

        result.Step.ToId().ShouldBe("contact-preference");
        result = await Say("1");
        result.Step.ToId().ShouldBe("review");
        result = await Say("1");
        result.Step.ToId().ShouldBe("submitted");
        var told = string.Join("\n", result.Replies.Select(r => r.Text));
        var referenceId = ReferenceId().Match(told).Value;

        var requests = host.Services.GetRequiredService<IRequestStore>();
        var request = (await requests.GetAsync(referenceId))!;
        for (var i = 0; i < 200 && request.Match.Reason == MatchReason.NotYetChecked; i++)
        {
            await Task.Delay(50);
            request = (await requests.GetAsync(referenceId))!;
        }

        request.Match.Reason.ShouldNotBe(MatchReason.NotYetChecked, "matching did not run within 10 seconds");
        return (request, told.Replace(referenceId, "REFERENCE", StringComparison.Ordinal).Replace(phone, "PHONE", StringComparison.Ordinal));
    }

    [GeneratedRegex("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")]
    private static partial Regex ReferenceId();
}
