using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// The running service sending through its delivery worker to a fake Twilio REST API on loopback,
/// and Twilio's own Node REST client against the same fake, to show the fake answers as Twilio does.
/// </summary>
public sealed class OutboundDeliveryTests : IAsyncLifetime
{
    private TwilioApiFake _twilio = null!;

    public async Task InitializeAsync() => _twilio = await TwilioApiFake.StartAsync();

    public async Task DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task Twilios_own_rest_client_gets_what_it_expects_from_the_fake()
    {
        var sent = await TwilioPeer.SendWithRestClientAsync(_twilio.BaseUrl, _twilio.AccountSid, _twilio.AuthToken, "+447700900601", SmsHost.Riverside, "Hello from the real client", validityPeriod: 600);

        sent["ok"]!.GetValue<bool>().ShouldBeTrue(sent.ToJsonString());
        sent["sid"]!.GetValue<string>().ShouldStartWith("SM");
        sent["status"]!.GetValue<string>().ShouldBe("queued");
        sent["to"]!.GetValue<string>().ShouldBe("+447700900601");
        var request = _twilio.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe($"/2010-04-01/Accounts/{_twilio.AccountSid}/Messages.json");
        request.Authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_twilio.AccountSid}:{_twilio.AuthToken}")));
        request.Form.ShouldBe(new Dictionary<string, string>
        {
            ["To"] = "+447700900601",
            ["From"] = SmsHost.Riverside,
            ["Body"] = "Hello from the real client",
            ["ValidityPeriod"] = "600",
        }, ignoreOrder: true);

        _twilio.ThenAnswer(400, 21211, "The 'To' number is not a valid phone number.");
        var refused = await TwilioPeer.SendWithRestClientAsync(_twilio.BaseUrl, _twilio.AccountSid, _twilio.AuthToken, "+447700900602", SmsHost.Riverside, "Hello again");

        refused["ok"]!.GetValue<bool>().ShouldBeFalse();
        refused["status"]!.GetValue<int>().ShouldBe(400);
        refused["code"]!.GetValue<int>().ShouldBe(21211);
    }

    [Fact]
    public async Task A_code_asked_for_by_text_goes_out_through_twilio_from_the_services_own_number()
    {
        await using var host = await StartAsync(() => _twilio.BaseUrl);
        var sms = new TwilioSms(host, _twilio.AuthToken);

        var replies = await sms.TextAsync("+447700900603", SmsHost.Northside,
            "hello", "1", "3", "When is my next appointment?", "1", "Ada", "Lovelace", "10/12/1985", "1", "LS1 6AE", "07700 900604", "yes");
        replies[^1].Message!.ShouldStartWith("We've texted a 6-digit code to");

        var sent = (await _twilio.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20))).ShouldHaveSingleItem();
        sent.Answer.ShouldBe(201);
        sent.Form["To"].ShouldBe("+447700900604");
        sent.Form["From"].ShouldBe(SmsHost.Northside);
        sent.Form["Body"].ShouldContain("is your code for Northside Community Health NHS Trust");
        int.Parse(sent.Form["ValidityPeriod"], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(590, 600);

        var stored = await WaitForAsync(host, "+447700900604", t => t.Status == OutboxStatus.Sent);
        stored.ProviderMessageId.ShouldBe(sent.Sid);
    }

    [Fact]
    public async Task Texts_left_unsent_when_the_process_stopped_are_sent_once_after_a_restart()
    {
        // First run: Twilio cannot be reached (nothing listens on port 1), so every try fails and is retried.
        var twilioReachable = false;
        await using var host = await StartAsync(() => twilioReachable ? _twilio.BaseUrl : new Uri("http://127.0.0.1:1/"));
        var sender = host.Services.GetRequiredService<IOutboundSender>();
        string[] numbers = ["+447700900611", "+447700900612", "+447700900613"];
        foreach (var number in numbers)
        {
            (await sender.QueueAsync(new OutboundText(number, $"Message for {number[^3..]}", TextPurpose.StaffReply, From: SmsHost.Riverside))).ShouldBe(QueueResult.Queued);
        }

        foreach (var number in numbers)
        {
            var waiting = await WaitForAsync(host, number, t => t.Attempts >= 1 && t.Status == OutboxStatus.Pending);
            waiting.Error!.ShouldContain("connection failed");
        }

        twilioReachable = true;
        await host.RestartAsync();

        var accepted = await WaitForAcceptedAsync(numbers.Length);
        // A few more polls: nothing may go twice.
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        _twilio.Accepted.Count.ShouldBe(numbers.Length);
        accepted.Select(r => r.Form["To"]).Order().ShouldBe(numbers);
        foreach (var number in numbers)
        {
            var sent = (await host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(number, 10)).ShouldHaveSingleItem();
            sent.Status.ShouldBe(OutboxStatus.Sent);
            sent.ProviderMessageId.ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task A_refused_text_never_touches_the_submitted_request()
    {
        await using var host = await StartAsync(() => _twilio.BaseUrl);
        var sms = new TwilioSms(host, _twilio.AuthToken);
        _twilio.ThenAnswer(400, 21610, "Attempt to send to unsubscribed recipient");

        var replies = await sms.TextAsync("+447700900621", SmsHost.Riverside,
            "hello", "1", "2", "Please update my address", "1", "Ann", "Other", "5/6/1990", "1", "LS1 6AE", "07700 900622", "no", "2", "1");

        var referenceId = System.Text.RegularExpressions.Regex.Match(replies[^1].Message!, "reference is (\\S{9})").Groups[1].Value;
        var failed = await WaitForAsync(host, "+447700900622", t => t.Status == OutboxStatus.Failed);
        failed.Purpose.ShouldBe(TextPurpose.Confirmation);
        failed.Error.ShouldBe("Twilio error 21610 (HTTP 400)");
        (await host.Services.GetRequiredService<IRequestStore>().GetAsync(referenceId)).ShouldNotBeNull();
        _twilio.Requests.Count.ShouldBe(1);
    }

    private Task<ServiceHost> StartAsync(Func<Uri> apiBaseUrl) =>
        ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Outbox:Mode"] = "Send",
                ["Outbox:PollInterval"] = "00:00:00.100",
                ["Outbox:FirstRetryDelay"] = "00:00:00.200",
                ["Outbox:MaxRetryDelay"] = "00:00:01",
                ["Outbox:MaxAttempts"] = "50",
                ["Twilio:AccountSid"] = _twilio.AccountSid,
                ["Twilio:AuthToken"] = _twilio.AuthToken,
            },
            services => services.PostConfigure<TwilioOptions>(o => o.ApiBaseUrl = apiBaseUrl()));

    private static async Task<OutboxMessage> WaitForAsync(ServiceHost host, string to, Func<OutboxMessage, bool> condition)
    {
        var outbox = host.Services.GetRequiredService<IOutboxStore>();
        for (var i = 0; i < 200; i++)
        {
            var texts = await outbox.ListForRecipientAsync(to, 10);
            if (texts.Count == 1 && condition(texts[0]))
            {
                return texts[0];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The text to {to} did not reach the expected state: {string.Join(", ", (await outbox.ListForRecipientAsync(to, 10)).Select(t => $"{t.Status} {t.Error}"))}");
    }

    private async Task<IReadOnlyList<TwilioApiRequest>> WaitForAcceptedAsync(int count)
    {
        for (var i = 0; i < 200 && _twilio.Accepted.Count < count; i++)
        {
            await Task.Delay(50);
        }

        _twilio.Accepted.Count.ShouldBe(count);
        return _twilio.Accepted;
    }
}

/// <summary>The dev outbox is a Development aid: the path does not exist anywhere else.</summary>
public sealed class DevOutboxOutsideDevelopmentTests
{
    [Fact]
    public async Task The_dev_outbox_is_404_outside_development()
    {
        var certificate = Path.Combine(Path.GetTempPath(), "pc-keys-" + Guid.NewGuid().ToString("N"), "data-protection.pfx");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>(KeyRingCertificates.Write(certificate))
        {
            ["environment"] = "Staging",
            ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
            ["Twilio:AuthToken"] = TwilioSms.NewAuthToken(),
            ["Twilio:ApiBaseUrl"] = "http://127.0.0.1:1/",
            // What other features need outside Development, so the host starts.
            ["Pds:Enabled"] = "false",
            ["WebChat:TokenKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // Every environment but Development is checked like Production.
            ["Verification:HashKey"] = Convert.ToBase64String(new byte[32]),
            ["Staff:SignIn"] = "Local",
        });
        using var client = host.CreateClient();

        var response = await client.GetAsync("/dev/outbox?to=%2B447700900123");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
