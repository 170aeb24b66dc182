using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Tests.Messaging;

/// <summary>
/// The delivery worker over a real SQLite outbox, sending to a fake Twilio REST API on loopback, with
/// a controlled clock so backoff and expiry are exact.
/// </summary>
public sealed class OutboxDeliveryWorkerTests : IAsyncLifetime
{
    private const string Patient = "+447700900123";
    private const string ServiceNumber = "+447700900001";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pc-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];
    private TwilioApiFake _twilio = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _twilio = await TwilioApiFake.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _twilio.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_queued_text_is_posted_to_twilio_with_basic_auth_and_form_fields_then_marked_sent()
    {
        var services = Start();
        await Queue(services, "123456 is your code for Riverside GP Practice.", validitySeconds: 600);

        (await Worker(services).DeliverDueAsync()).ShouldBe(1);

        var request = _twilio.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe($"/2010-04-01/Accounts/{_twilio.AccountSid}/Messages.json");
        request.Authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_twilio.AccountSid}:{_twilio.AuthToken}")));
        request.ContentType.ShouldStartWith("application/x-www-form-urlencoded");
        request.Form.ShouldBe(new Dictionary<string, string>
        {
            ["To"] = Patient,
            ["From"] = ServiceNumber,
            ["Body"] = "123456 is your code for Riverside GP Practice.",
            ["ValidityPeriod"] = "600",
        }, ignoreOrder: true);

        var stored = await Stored(services);
        stored.Status.ShouldBe(OutboxStatus.Sent);
        stored.ProviderMessageId.ShouldBe(request.Sid);
        stored.Attempts.ShouldBe(1);
        stored.Error.ShouldBeNull();
    }

    [Fact]
    public async Task A_text_without_a_validity_limit_sends_no_validity_period()
    {
        var services = Start();
        await Queue(services, "Riverside GP Practice: we have your request, reference ABCD-2345.");

        await Worker(services).DeliverDueAsync();

        _twilio.Requests.ShouldHaveSingleItem().Form.ShouldNotContainKey("ValidityPeriod");
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_a_jittered_backoff_then_sent_once()
    {
        var services = Start();
        await Queue(services, "hello");
        _twilio.ThenAnswer(429, 20429, "Too Many Requests");

        await Worker(services).DeliverDueAsync();

        var waiting = await Stored(services);
        waiting.Status.ShouldBe(OutboxStatus.Pending);
        waiting.Attempts.ShouldBe(1);
        waiting.Error!.ShouldContain("429");
        // First retry: between half and all of FirstRetryDelay (10 s here).
        waiting.NextAttemptAt.ShouldBeInRange(_time.GetUtcNow().AddSeconds(5), _time.GetUtcNow().AddSeconds(10));

        (await Worker(services).DeliverDueAsync()).ShouldBe(0);
        _twilio.Requests.Count.ShouldBe(1);

        _time.Advance(TimeSpan.FromSeconds(10));
        (await Worker(services).DeliverDueAsync()).ShouldBe(1);

        _twilio.Requests.Select(r => r.Answer).ShouldBe([429, 201]);
        var sent = await Stored(services);
        sent.Status.ShouldBe(OutboxStatus.Sent);
        sent.Attempts.ShouldBe(2);
        sent.Error.ShouldBeNull();
    }

    [Fact]
    public async Task Twilios_retry_after_is_honoured_when_longer_than_the_backoff()
    {
        var services = Start();
        await Queue(services, "hello");
        _twilio.ThenAnswer(429, 20429, "Too Many Requests", retryAfter: TimeSpan.FromSeconds(60));

        await Worker(services).DeliverDueAsync();

        (await Stored(services)).NextAttemptAt.ShouldBe(_time.GetUtcNow().AddSeconds(60));
    }

    [Fact]
    public async Task A_server_error_is_retried_then_sent_with_the_validity_left()
    {
        var services = Start();
        await Queue(services, "654321 is your code.", validitySeconds: 600);
        _twilio.ThenAnswer(500, null, "Internal Server Error");

        await Worker(services).DeliverDueAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        await Worker(services).DeliverDueAsync();

        _twilio.Requests.Select(r => r.Answer).ShouldBe([500, 201]);
        _twilio.Requests[0].Form["ValidityPeriod"].ShouldBe("600");
        _twilio.Requests[1].Form["ValidityPeriod"].ShouldBe("590");
        (await Stored(services)).Status.ShouldBe(OutboxStatus.Sent);
    }

    [Fact]
    public async Task A_send_that_times_out_is_retried()
    {
        var services = Start(new() { ["Outbox:SendTimeout"] = "00:00:01" });
        await Queue(services, "hello");
        _twilio.ThenStall(TimeSpan.FromSeconds(10));

        await Worker(services).DeliverDueAsync();

        var waiting = await Stored(services);
        waiting.Status.ShouldBe(OutboxStatus.Pending);
        waiting.Error!.ShouldContain("timed out");

        _time.Advance(TimeSpan.FromSeconds(10));
        await Worker(services).DeliverDueAsync();
        (await Stored(services)).Status.ShouldBe(OutboxStatus.Sent);
    }

    [Theory]
    [InlineData(TextPurpose.Code, "654321 is your code for Riverside GP Practice.", "654321")]
    [InlineData(TextPurpose.FollowUpLink, "Riverside GP Practice: your link https://contact.example/c/riverside-gp/f/AAAAAAAAAAAAAAAAAAAAAA", "/f/AAAA")]
    public async Task Once_a_code_or_a_follow_up_link_has_gone_its_words_are_not_kept(TextPurpose purpose, string body, string secret)
    {
        var services = Start();
        await Queue(services, body, purpose: purpose);

        await Worker(services).DeliverDueAsync();

        _twilio.Requests.ShouldHaveSingleItem().Form["Body"].ShouldBe(body);
        var stored = await Stored(services);
        stored.Status.ShouldBe(OutboxStatus.Sent);
        stored.Body.ShouldNotContain(secret);
        stored.Body.ShouldContain("not kept once it has gone");
    }

    [Fact]
    public async Task A_code_that_could_not_be_sent_is_not_kept_either()
    {
        var services = Start();
        await Queue(services, "111222 is your code.", purpose: TextPurpose.Code);
        _twilio.ThenAnswer(400, 21211, "Invalid 'To' Phone Number");
        await Worker(services).DeliverDueAsync();
        var failed = await Stored(services);
        failed.Status.ShouldBe(OutboxStatus.Failed);
        failed.Body.ShouldNotContain("111222");
    }

    [Fact]
    public async Task Other_texts_are_kept_as_sent()
    {
        var services = Start();
        await Queue(services, "Riverside GP Practice: your prescription is ready.", purpose: TextPurpose.StaffReply);
        await Worker(services).DeliverDueAsync();
        (await Stored(services)).Body.ShouldBe("Riverside GP Practice: your prescription is ready.");
    }

    [Theory]
    [InlineData(21211)]
    [InlineData(21610)]
    public async Task A_refused_text_fails_at_once_with_twilios_error_code_and_is_not_retried(int errorCode)
    {
        var services = Start();
        await Queue(services, "hello");
        _twilio.ThenAnswer(400, errorCode, "Refused");

        await Worker(services).DeliverDueAsync();
        _time.Advance(TimeSpan.FromHours(1));
        (await Worker(services).DeliverDueAsync()).ShouldBe(0);

        _twilio.Requests.Count.ShouldBe(1);
        var failed = await Stored(services);
        failed.Status.ShouldBe(OutboxStatus.Failed);
        failed.Attempts.ShouldBe(1);
        failed.Error.ShouldBe($"Twilio error {errorCode} (HTTP 400)");
    }

    [Fact]
    public async Task Retries_back_off_exponentially_and_stop_at_the_limit()
    {
        var services = Start(new() { ["Outbox:MaxAttempts"] = "4" });
        await Queue(services, "hello");
        _twilio.Outage = 503;

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var before = _time.GetUtcNow();
            (await Worker(services).DeliverDueAsync()).ShouldBe(1);
            var stored = await Stored(services);
            if (stored.Status == OutboxStatus.Pending)
            {
                waits.Add(stored.NextAttemptAt - before);
                _time.Advance(stored.NextAttemptAt - before);
            }
        }

        waits.Count.ShouldBe(3);
        waits[0].ShouldBeInRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        waits[1].ShouldBeInRange(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        waits[2].ShouldBeInRange(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));
        var failed = await Stored(services);
        failed.Status.ShouldBe(OutboxStatus.Failed);
        failed.Attempts.ShouldBe(4);
        failed.Error.ShouldBe("gave up after 4 tries: HTTP 503");
        _twilio.Requests.Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_number_that_opted_out_after_the_text_was_queued_is_not_sent_to()
    {
        var services = Start();
        await Queue(services, "hello");
        await services.GetRequiredService<IOptOutStore>().SetAsync(Patient, optedOut: true, _time.GetUtcNow());

        await Worker(services).DeliverDueAsync();

        _twilio.Requests.ShouldBeEmpty();
        var stored = await Stored(services);
        stored.Status.ShouldBe(OutboxStatus.Failed);
        stored.Error!.ShouldContain("opted out");
    }

    [Fact]
    public async Task A_code_that_expired_while_waiting_is_not_sent()
    {
        var services = Start();
        await Queue(services, "111222 is your code.", validitySeconds: 600);
        _time.Advance(TimeSpan.FromMinutes(11));

        await Worker(services).DeliverDueAsync();

        _twilio.Requests.ShouldBeEmpty();
        (await Stored(services)).Error!.ShouldContain("expired");
    }

    [Fact]
    public async Task A_text_with_no_sender_number_is_refused_when_queued()
    {
        var services = Start();

        var result = await services.GetRequiredService<IOutboundSender>().QueueAsync(new OutboundText(Patient, "hello", TextPurpose.Confirmation));

        result.ShouldBe(QueueResult.NoSenderNumber);
        (await services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(Patient, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stored_text_with_no_sender_number_is_not_sent()
    {
        var services = Start();
        // Written past the sender, as an older build could have left one.
        var now = _time.GetUtcNow();
        await services.GetRequiredService<IOutboxStore>().EnqueueAsync(new OutboxMessage { Id = Guid.NewGuid(), To = Patient, Body = "hello", Purpose = TextPurpose.Confirmation, CreatedAt = now, NextAttemptAt = now });

        await Worker(services).DeliverDueAsync();

        _twilio.Requests.ShouldBeEmpty();
        (await Stored(services)).Error!.ShouldContain("no sender number");
    }

    [Fact]
    public async Task A_text_claimed_by_a_worker_that_died_is_sent_once_after_its_lease_runs_out()
    {
        var services = Start();
        await Queue(services, "hello");
        // Another process claimed it and died before recording anything.
        (await services.GetRequiredService<IOutboxStore>().ClaimNextDueAsync(_time.GetUtcNow(), TimeSpan.FromMinutes(2))).ShouldNotBeNull();

        (await Worker(services).DeliverDueAsync()).ShouldBe(0);
        _time.Advance(TimeSpan.FromMinutes(2));
        (await Worker(services).DeliverDueAsync()).ShouldBe(1);
        _time.Advance(TimeSpan.FromMinutes(10));
        (await Worker(services).DeliverDueAsync()).ShouldBe(0);

        _twilio.Accepted.Count.ShouldBe(1);
        (await Stored(services)).Status.ShouldBe(OutboxStatus.Sent);
    }

    [Fact]
    public async Task In_hold_mode_texts_are_marked_held_and_nothing_is_sent()
    {
        var services = Start(new() { ["Outbox:Mode"] = "Hold", ["Twilio:AccountSid"] = null, ["Twilio:AuthToken"] = null });
        await Queue(services, "hello");

        (await Worker(services).DeliverDueAsync()).ShouldBe(1);
        _time.Advance(TimeSpan.FromHours(1));
        (await Worker(services).DeliverDueAsync()).ShouldBe(0);

        _twilio.Requests.ShouldBeEmpty();
        (await Stored(services)).Status.ShouldBe(OutboxStatus.Held);
    }

    [Fact]
    public async Task Two_workers_on_one_outbox_send_each_text_once()
    {
        var first = Start();
        var second = Start();
        for (var i = 0; i < 20; i++)
        {
            await Queue(first, $"text {i}");
        }

        await Task.WhenAll(Worker(first).DeliverDueAsync(), Worker(second).DeliverDueAsync());

        _twilio.Accepted.Select(r => r.Form["Body"]).Order().ShouldBe(Enumerable.Range(0, 20).Select(i => $"text {i}").Order());
    }

    [Fact]
    public void Sending_without_twilio_credentials_stops_start_up_naming_the_settings()
    {
        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(
            () => Start(new() { ["Twilio:AccountSid"] = null }).GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboxDeliveryOptions>>().Value);

        error.Message.ShouldContain("Twilio:AccountSid");
        error.Message.ShouldContain("Outbox:Mode");
    }

    private ServiceProvider Start(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = _twilio.AccountSid,
            ["Twilio:AuthToken"] = _twilio.AuthToken,
            ["Twilio:ApiBaseUrl"] = _twilio.BaseUrl.ToString(),
            ["Outbox:FirstRetryDelay"] = "00:00:10",
            ["Outbox:MaxRetryDelay"] = "00:05:00",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton<TimeProvider>(_time)
            .AddSqliteStorage(Path.Combine(_directory, "patientcontact.db"))
            .AddSingleton<IOutboundSender, OutboxSender>()
            .AddOutboxDelivery()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _providers.Add(services);
        return services;
    }

    private static OutboxDeliveryWorker Worker(IServiceProvider services) => services.GetRequiredService<OutboxDeliveryWorker>();

    private static Task<QueueResult> Queue(IServiceProvider services, string body, int? validitySeconds = null, TextPurpose purpose = TextPurpose.Confirmation) =>
        services.GetRequiredService<IOutboundSender>().QueueAsync(new OutboundText(Patient, body, purpose, ValiditySeconds: validitySeconds, From: ServiceNumber));

    private static async Task<OutboxMessage> Stored(IServiceProvider services) =>
        (await services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(Patient, 10)).ShouldHaveSingleItem();
}
