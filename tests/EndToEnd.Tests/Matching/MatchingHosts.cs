using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Matching;

/// <summary>
/// Two running Development services (PDS on, and PDS switched off), each with its local PDS, for the
/// matching tests by web chat and by SMS; shared by both so the hosts start once.
/// </summary>
public sealed class MatchingHosts : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public TwilioSms Twilio { get; private set; } = null!;

    public ServiceHost PdsOff { get; private set; } = null!;

    public TwilioSms PdsOffTwilio { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var token = TwilioSms.NewAuthToken();
        Host = await ServiceHost.StartAsync(Settings(token, "true"));
        Twilio = new TwilioSms(Host, token);
        PdsOff = await ServiceHost.StartAsync(Settings(token, "false"));
        PdsOffTwilio = new TwilioSms(PdsOff, token);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await PdsOff.DisposeAsync();
    }

    private static Dictionary<string, string?> Settings(string twilioToken, string pdsEnabled) => new()
    {
        ["Twilio:AuthToken"] = twilioToken,
        ["WebChat:TokenKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
        ["WebChat:TokenRequestsPerMinute"] = "1000",
        ["WebChat:PostsPerClientPerMinute"] = "100000",
        ["Matching:PollInterval"] = "00:00:00.100",
        ["Pds:Enabled"] = pdsEnabled,
    };
}

[CollectionDefinition(Name)]
public sealed class MatchingCollection : ICollectionFixture<MatchingHosts>
{
    public const string Name = "matching over channels";
}

/// <summary>What the channel tests share: reading the code as a phone would, and waiting for the match.</summary>
public static partial class MatchingChannels
{
    public const string Jane = "07700 900123";

    public static readonly MatchResult Matched = new(MatchStatus.Matched, null, "9000000009");

    public static MatchResult Unmatched(MatchReason reason) => new(MatchStatus.Unmatched, reason, null);

    public static string E164(string phone) => "+44" + phone.Replace(" ", string.Empty, StringComparison.Ordinal)[1..];

    /// <summary>The code as the patient's phone would show it: the newest code text in the dev outbox.</summary>
    public static async Task<string> CodeFromDevOutboxAsync(HttpClient http, string e164)
    {
        var texts = await http.GetFromJsonAsync<JsonArray>($"/dev/outbox?to={Uri.EscapeDataString(e164)}");
        var body = texts!.Select(t => t!["body"]!.GetValue<string>()).First(b => CodeText().IsMatch(b));
        return CodeText().Match(body).Groups[1].Value;
    }

    /// <summary>Waits for matching to decide, and gives what the patient was told and texted with their own details taken out.</summary>
    public static async Task<Outcome> OutcomeAsync(ServiceHost host, string told, string phone, HttpClient http, string e164)
    {
        var referenceId = ReferenceId().Match(told).Value;
        referenceId.ShouldNotBeEmpty(told);
        var requests = host.Services.GetRequiredService<IRequestStore>();
        var request = (await requests.GetAsync(referenceId))!;
        for (var i = 0; i < 200 && request.Match.Reason == MatchReason.NotYetChecked; i++)
        {
            await Task.Delay(50);
            request = (await requests.GetAsync(referenceId))!;
        }

        request.Match.Reason.ShouldNotBe(MatchReason.NotYetChecked, "matching did not run within 10 seconds");
        var texts = await http.GetFromJsonAsync<JsonArray>($"/dev/outbox?to={Uri.EscapeDataString(e164)}");
        var confirmation = texts!.Select(t => t!["body"]!.GetValue<string>()).FirstOrDefault(b => b.Contains(referenceId, StringComparison.Ordinal));
        string Plain(string? text) => (text ?? string.Empty).Replace(referenceId, "REFERENCE", StringComparison.Ordinal).Replace(phone, "PHONE", StringComparison.Ordinal);
        return new Outcome(request, Plain(told), Plain(confirmation));
    }

    [GeneratedRegex("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")]
    private static partial Regex ReferenceId();

    [GeneratedRegex(@"^(\d{6}) is your code")]
    private static partial Regex CodeText();
}

/// <summary>A submitted request once matching has decided, and what the patient was told and texted, their own details taken out.</summary>
public sealed record Outcome(ContactRequest Request, string Told, string Texted);
