using PatientContact.Conversation.Tests.Support;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Conversation.Tests.Verification;

/// <summary>The code limits over a real SQLite file's shared counts, with a controlled clock.</summary>
public sealed class CodeSendLimiterTests : IDisposable
{
    private const string Jane = "+447700900123";

    private readonly EngineHarness _harness = new();

    public CodeSendLimiterTests()
    {
        _harness.Verification.MaxCodesPerNumber = 3;
        _harness.Verification.MaxCodesPerClient = 5;
        _harness.Verification.RateLimitWindow = TimeSpan.FromHours(1);
    }

    public void Dispose() => _harness.Dispose();

    private CodeSendLimiter Limiter() => _harness.CodeLimiter();

    [Theory]
    [InlineData("+441134960001", false, "a landline")]
    [InlineData("+449098790880", false, "a premium-rate number")]
    [InlineData("+447640123456", false, "a pager (076)")]
    [InlineData("+447012345678", true, "a 070 personal number, even if called mobile")]
    [InlineData("+33612345678", true, "a French mobile")]
    [InlineData("+4477009001234", true, "too many digits")]
    [InlineData("+44770090012", true, "too few digits")]
    [InlineData("07700900123", true, "not E.164")]
    [InlineData(null, true, "no number")]
    public async Task Only_a_uk_mobile_ever_gets_a_code(string? phone, bool isMobile, string what)
    {
        var limiter = Limiter();

        (await limiter.TryAcquireAsync(Jane, true, "203.0.113.9", null)).ShouldBeNull();
        (await limiter.TryAcquireAsync(phone, isMobile, "203.0.113.9", null)).ShouldBe(CodeSendRefusal.NotUkMobile, what);
        CodeSendLimiter.Explain(CodeSendRefusal.NotUkMobile).ShouldBe("We can only text a code to a UK mobile number.");
    }

    [Fact]
    public async Task A_number_gets_at_most_its_limit_within_the_window_from_any_client_then_again_as_the_window_slides()
    {
        var limiter = Limiter();
        for (var i = 0; i < 3; i++)
        {
            (await limiter.TryAcquireAsync(Jane, true, $"203.0.113.{i}", null)).ShouldBeNull();
            _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBe(CodeSendRefusal.NumberLimit);
        (await limiter.TryAcquireAsync("+447700900124", true, "198.51.100.1", null)).ShouldBeNull();

        // 11:00: the three codes of 10:00 to 10:20 are in the last window, still counted in full.
        _harness.Clock.Advance(TimeSpan.FromMinutes(30));
        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBe(CodeSendRefusal.NumberLimit);

        // 11:30: half an hour has slid past, so the three weigh as one and a half: two more may go, then no more.
        _harness.Clock.Advance(TimeSpan.FromMinutes(30));
        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBeNull();
        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBeNull();
        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBe(CodeSendRefusal.NumberLimit);

        // 13:00: nothing in the last hour.
        _harness.Clock.Advance(TimeSpan.FromMinutes(90));
        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.1", null)).ShouldBeNull();
    }

    [Fact]
    public async Task A_client_gets_at_most_its_limit_whatever_numbers_it_asks_for()
    {
        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            (await limiter.TryAcquireAsync($"+4477009002{i:D2}", true, "203.0.113.9", null)).ShouldBeNull();
        }

        (await limiter.TryAcquireAsync("+447700900299", true, "203.0.113.9", null)).ShouldBe(CodeSendRefusal.ClientLimit);
        (await limiter.TryAcquireAsync("+447700900299", true, "203.0.113.10", null)).ShouldBeNull();
        _harness.Clock.Advance(TimeSpan.FromHours(2));
        (await limiter.TryAcquireAsync("+447700900298", true, "203.0.113.9", null)).ShouldBeNull();
    }

    [Fact]
    public async Task A_refused_code_is_not_counted()
    {
        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            await limiter.TryAcquireAsync($"+4477009002{i:D2}", true, "203.0.113.9", null);
        }

        for (var i = 0; i < 10; i++)
        {
            (await limiter.TryAcquireAsync(Jane, true, "203.0.113.9", null)).ShouldBe(CodeSendRefusal.ClientLimit);
        }

        (await limiter.TryAcquireAsync(Jane, true, "198.51.100.7", null)).ShouldBeNull();
    }

    [Fact]
    public async Task Two_hosts_on_one_store_share_one_budget_and_a_restart_forgets_nothing()
    {
        using var otherDatabase = new SqliteDatabase(_harness.Database.Path);
        var first = Limiter();
        (await first.TryAcquireAsync(Jane, true, "203.0.113.1", null)).ShouldBeNull();
        (await first.TryAcquireAsync(Jane, true, "203.0.113.2", null)).ShouldBeNull();

        var second = _harness.CodeLimiter(store: new SqliteRateCounterStore(otherDatabase));
        (await second.TryAcquireAsync(Jane, true, "203.0.113.3", null)).ShouldBeNull();
        (await second.TryAcquireAsync(Jane, true, "203.0.113.4", null)).ShouldBe(CodeSendRefusal.NumberLimit, "the first host's two count here");
        (await Limiter().TryAcquireAsync(Jane, true, "203.0.113.5", null)).ShouldBe(CodeSendRefusal.NumberLimit, "a new limiter, as after a restart");
    }

    [Fact]
    public async Task The_store_holds_neither_the_number_nor_the_address()
    {
        (await Limiter().TryAcquireAsync(Jane, true, "203.0.113.9", null)).ShouldBeNull();

        await using var connection = await _harness.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM rate_counters;";
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        keys.Order().Select(k => k[..k.IndexOf(':')]).ShouldBe(["code-client", "code-number"]);
        keys.ShouldAllBe(k => !k.Contains("7700900123") && !k.Contains("203.0.113"));
    }

    [Fact]
    public async Task A_store_fault_lets_the_code_go()
    {
        var logs = new CapturedLogger<CodeSendLimiter>();
        // A "database" that is a folder: every open fails, as a store whose disk has gone would.
        using var broken = new SqliteDatabase(Path.GetDirectoryName(_harness.Database.Path)!);
        var limiter = _harness.CodeLimiter(logs, new SqliteRateCounterStore(broken));

        (await limiter.TryAcquireAsync(Jane, true, "203.0.113.9", null)).ShouldBeNull();
        logs.Lines.ShouldContain(l => l.Contains("could not be counted") && !l.Contains("7700900123"));
    }

    [Fact]
    public void An_ipv6_client_counts_by_its_64_prefix_and_a_mapped_ipv4_as_ipv4()
    {
        CodeSendLimiter.ClientKey("2001:db8:1:2:aaaa::1", null).ShouldBe(CodeSendLimiter.ClientKey("2001:db8:1:2:bbbb::99", null));
        CodeSendLimiter.ClientKey("2001:db8:1:3::1", null).ShouldNotBe(CodeSendLimiter.ClientKey("2001:db8:1:2::1", null));
        CodeSendLimiter.ClientKey("::ffff:203.0.113.9", null).ShouldBe(CodeSendLimiter.ClientKey("203.0.113.9", null));
    }

    [Fact]
    public async Task By_sms_the_sender_is_the_client_and_without_either_no_client_limit_applies()
    {
        CodeSendLimiter.ClientKey(null, "+447700900555").ShouldBe("sender:+447700900555");
        CodeSendLimiter.ClientKey(null, null).ShouldBeNull();

        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            (await limiter.TryAcquireAsync($"+4477009003{i:D2}", true, null, "+447700900555")).ShouldBeNull();
        }

        (await limiter.TryAcquireAsync("+447700900399", true, null, "+447700900555")).ShouldBe(CodeSendRefusal.ClientLimit);
        (await limiter.TryAcquireAsync("+447700900399", true, null, null)).ShouldBeNull();
    }
}
