using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Fhir.Webhooks;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;
using Task = System.Threading.Tasks.Task;

namespace PatientContact.EndToEnd.Tests.Fhir;

/// <summary>
/// The signed FHIR webhook against a receiver on loopback: a new request's bundle is posted, signed with the service's
/// secret, retried with backoff while the receiver fails, kept in the store's queue across a restart, and posted to
/// the service's own webhook only.
/// </summary>
public sealed class FhirWebhookTests
{
    private const string Secret = "a-webhook-secret-of-at-least-32-characters";

    [Fact]
    public async Task A_new_request_is_posted_signed_and_retried_with_backoff_until_the_receiver_takes_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync([503, 500]);
        await using var host = await ServiceHost.StartAsync(Settings(Webhook(receiver.Url)));

        var reference = await SubmitAsync(host);
        var northside = await SubmitAsync(host, "northside-community");
        var posts = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(30));

        posts.Select(p => p.Answered).ShouldBe([503, 500, 200]);
        (posts[1].At - posts[0].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9), "the first retry waits FirstRetryDelay");
        (posts[2].At - posts[1].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9), "the second waits twice as long");
        foreach (var (post, attempt) in posts.Select((p, i) => (p, i + 1)))
        {
            post.Headers["Content-Type"].ShouldBe("application/fhir+json; charset=utf-8");
            post.Headers["PatientContact-Delivery"].ShouldBe($"riverside-gp:{reference}");
            post.Headers["PatientContact-Attempt"].ShouldBe(attempt.ToString(CultureInfo.InvariantCulture));
            VerifySignature(post.Headers["PatientContact-Signature"], post.Body, Secret).ShouldBeTrue();
            VerifySignature(post.Headers["PatientContact-Signature"], post.Body, "another-secret-of-at-least-32-characters").ShouldBeFalse();
            VerifySignature(post.Headers["PatientContact-Signature"], [.. post.Body, (byte)' '], Secret).ShouldBeFalse("a changed body does not verify");
        }

        var bundle = FhirValidation.Parse<Bundle>(Encoding.UTF8.GetString(posts[^1].Body));
        FhirValidation.Errors(bundle).ShouldBeEmpty();
        bundle.Identifier!.Value.ShouldBe(reference);
        var stored = await RequestAsync(host, reference);
        bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Identifier.Single().Value.ShouldBe(stored.Match.NhsNumber, "it waited for the PDS match");

        var delivery = await WaitForDeliveryAsync(host, $"riverside-gp:{reference}", WebhookStatus.Delivered);
        delivery.Attempts.ShouldBe(3);
        delivery.Error.ShouldBeNull();
        (await host.Services.GetRequiredService<IWebhookStore>().GetAsync($"northside-community:{northside}")).ShouldBeNull("that service has no webhook");
        await Task.Delay(500);
        receiver.Posts.Count.ShouldBe(3, "nothing more is posted once the receiver took it");
    }

    [Fact]
    public async Task A_delivery_the_receiver_has_not_taken_is_kept_through_a_restart_and_posted_after_it()
    {
        var down = await WebhookReceiver.StartAsync(Enumerable.Repeat(503, 1000));
        var port = down.Url.Port;
        await using var restarted = await ServiceHost.StartAsync(Settings([.. Webhook(down.Url), ("FhirWebhook:FirstRetryDelay", "00:00:00.5")]));
        var reference = await SubmitAsync(restarted);
        await down.WaitForAsync(2, TimeSpan.FromSeconds(30));
        var pending = await restarted.Services.GetRequiredService<IWebhookStore>().GetAsync($"riverside-gp:{reference}");
        pending.ShouldNotBeNull().Status.ShouldNotBe(WebhookStatus.Delivered);
        pending.Error.ShouldBe("HTTP 503");

        await restarted.RestartAsync();
        await down.DisposeAsync();
        await using var up = await WebhookReceiver.StartAsync([], port);

        var posts = await up.WaitForAsync(1, TimeSpan.FromSeconds(30));
        FhirValidation.Parse<Bundle>(Encoding.UTF8.GetString(posts[0].Body)).Identifier!.Value.ShouldBe(reference);
        (await WaitForDeliveryAsync(restarted, $"riverside-gp:{reference}", WebhookStatus.Delivered)).Attempts.ShouldBeGreaterThan(2);
    }

    [Theory]
    [InlineData("FhirWebhook:Services:riverside-gp:Secret", "too-short", "FhirWebhook:Services:riverside-gp:Secret must be set, at least 32 characters")]
    [InlineData("FhirWebhook:Services:riverside-gp:Url", "ftp://127.0.0.1/hook", "FhirWebhook:Services:riverside-gp:Url must be the receiver's absolute https address")]
    [InlineData("FhirWebhook:Services:no-such-service:Secret", Secret, "FhirWebhook:Services:no-such-service: there is no service 'no-such-service'")]
    public async Task Wrong_webhook_settings_stop_start_up_naming_the_setting(string key, string value, string message)
    {
        var settings = Settings(Webhook(new Uri("http://127.0.0.1:9/hook")));
        settings[key] = value;

        var failure = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(settings));

        Flatten(failure).ShouldContain(message);
    }

    [Fact]
    public async Task Outside_Development_only_an_https_receiver_is_accepted()
    {
        await using var host = await ServiceHost.StartAsync(Settings());
        var rules = host.Services.GetRequiredService<PatientContact.Rules.IRuleBookProvider>();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://contact.example.nhs.uk" }).Build();
        ValidateOptionsResult Check(string environment, string url) =>
            new FhirWebhookOptionsValidation(new Environment(environment), configuration, rules).Validate(null, new FhirWebhookOptions
            {
                Services = { ["riverside-gp"] = new ServiceWebhookOptions { Url = url, Secret = Secret } },
            });

        Check("Production", "http://gp.example.nhs.uk/fhir").Failures.ShouldBe(["FhirWebhook:Services:riverside-gp:Url must be https outside Development: the bundle holds patient data."]);
        Check("Staging", "http://gp.example.nhs.uk/fhir").Failed.ShouldBeTrue();
        Check("Production", "https://gp.example.nhs.uk/fhir").Succeeded.ShouldBeTrue();
        Check("Development", "http://127.0.0.1:9/fhir").Succeeded.ShouldBeTrue();
    }

    private sealed class Environment(string name) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "PatientContact";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private static (string Key, string? Value)[] Webhook(Uri url) =>
    [
        ("FhirWebhook:Services:riverside-gp:Url", url.ToString()),
        ("FhirWebhook:Services:riverside-gp:Secret", Secret),
        ("FhirWebhook:FirstRetryDelay", "00:00:01"),
        ("FhirWebhook:PollInterval", "00:00:00.1"),
    ];

    /// <summary>What a receiver does: recompute HMAC-SHA256 over "{t}.{body}" with the shared secret, compare in constant time, and refuse an old t.</summary>
    private static bool VerifySignature(string header, byte[] body, string secret)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t) > 300)
        {
            return false;
        }

        byte[] signed = [.. Encoding.ASCII.GetBytes(parts["t"] + "."), .. body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"]));
    }

    private static async Task<WebhookDelivery> WaitForDeliveryAsync(ServiceHost host, string id, WebhookStatus status)
    {
        var store = host.Services.GetRequiredService<IWebhookStore>();
        for (var i = 0; i < 200; i++)
        {
            if (await store.GetAsync(id) is { } delivery && delivery.Status == status)
            {
                return delivery;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Delivery {id} did not become {status}.");
    }

    private static string Flatten(Exception e) => e is AggregateException a
        ? string.Join(" | ", a.InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is { } inner ? " | " + Flatten(inner) : "");
}
