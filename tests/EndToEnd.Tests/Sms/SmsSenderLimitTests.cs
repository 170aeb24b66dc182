using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// One number cannot make the service answer every text it sends: past Sms:MaxTextsPerSender in a window
/// it is told once to slow down (with where to get help now), then not answered until the window ends.
/// The count is kept in the store, so hosts sharing a store share the budget.
/// </summary>
public sealed class SmsSenderLimitTests
{
    private const string HashKey = "c2VuZGVyLWxpbWl0LXRlc3Qta2V5LTMyLWJ5dGVzISE=";

    private static Dictionary<string, string?> Settings(string token, string? database = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = token,
            ["Verification:HashKey"] = HashKey,
            ["Sms:MaxTextsPerSender"] = "20",
            ["Sms:SenderWindow"] = "00:10:00",
        };
        if (database is not null)
        {
            settings["Storage:Sqlite:Path"] = database;
        }

        return settings;
    }

    [Fact]
    public async Task Texts_past_a_number_s_limit_get_one_slow_down_reply_then_nothing_and_change_nothing_until_the_window_ends()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var token = TwilioSms.NewAuthToken();
        await using var host = await ServiceHost.StartAsync(Settings(token), time: clock);
        var twilio = new TwilioSms(host, token);
        const string from = "+447700900601";
        var within = await twilio.TextAsync(from, SmsHost.Riverside, [.. Enumerable.Repeat("hello", 20)]);
        var conversations = host.Services.GetRequiredService<IConversationStore>();
        var version = (await conversations.GetAsync($"sms:riverside-gp:{from}"))!.Version;

        var over = await twilio.TextAsync(from, SmsHost.Riverside, "hello", "hello", "hello");

        within.ShouldAllBe(r => r.Message != null);
        over[0].Message.ShouldBe(SenderThrottle.SlowDown);
        over[1].Message.ShouldBeNull("the later texts are not answered, so a loop with another machine ends");
        over[2].Message.ShouldBeNull();
        (await conversations.GetAsync($"sms:riverside-gp:{from}"))!.Version.ShouldBe(version, "texts over the limit were not read");
        var other = await twilio.TextAsync("+447700900602", SmsHost.Riverside, "hello");
        other[0].Message.ShouldNotBeNull("another number has its own budget");
        other[0].Message.ShouldNotBe(SenderThrottle.SlowDown);

        clock.Advance(TimeSpan.FromMinutes(10));
        var next = await twilio.TextAsync(from, SmsHost.Riverside, "hello");
        next[0].Message.ShouldNotBeNull();
        next[0].Message.ShouldNotBe(SenderThrottle.SlowDown);
        (await conversations.GetAsync($"sms:riverside-gp:{from}"))!.Version.ShouldBe(version + 1);
    }

    [Fact]
    public async Task Stop_over_the_limit_still_opts_the_number_out()
    {
        var token = TwilioSms.NewAuthToken();
        await using var host = await ServiceHost.StartAsync(Settings(token));
        var twilio = new TwilioSms(host, token);
        const string from = "+447700900603";
        await twilio.TextAsync(from, SmsHost.Riverside, [.. Enumerable.Repeat("hello", 22)]);

        var stop = await twilio.TextAsync(from, SmsHost.Riverside, "STOP");

        stop[0].Status.ShouldBe(HttpStatusCode.OK);
        (await host.Services.GetRequiredService<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeTrue();
    }

    [Fact]
    public async Task Two_hosts_on_one_store_share_one_budget_per_number()
    {
        var token = TwilioSms.NewAuthToken();
        var folder = Directory.CreateTempSubdirectory("pc-two-hosts-").FullName;
        var database = Path.Combine(folder, "shared.db");
        await using var first = await ServiceHost.StartAsync(Settings(token, database));
        await using var second = await ServiceHost.StartAsync(Settings(token, database));
        var one = new TwilioSms(first, token);
        var two = new TwilioSms(second, token);
        const string from = "+447700900604";

        await one.TextAsync(from, SmsHost.Riverside, [.. Enumerable.Repeat("hello", 10)]);
        await two.TextAsync(from, SmsHost.Riverside, [.. Enumerable.Repeat("hello", 10)]);
        var over = await one.TextAsync(from, SmsHost.Riverside, "hello");

        over[0].Message.ShouldBe(SenderThrottle.SlowDown, "ten texts through each host are twenty against the one budget");
    }
}
