using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// One running service (real Kestrel, Development, its own SQLite file) shared by a test class, with
/// a random Twilio auth token. Tests keep apart by texting from different numbers.
/// </summary>
public sealed partial class SmsHost : IAsyncLifetime
{
    public const string Riverside = "+447700900001";
    public const string Northside = "+447700900002";
    public const string Hillview = "+447700900003";

    public ServiceHost Host { get; private set; } = null!;
    public TwilioSms Twilio { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var token = TwilioSms.NewAuthToken();
        Host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Twilio:AuthToken"] = token });
        Twilio = new TwilioSms(Host, token);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public Task<ConversationRecord?> ConversationAsync(string serviceId, string from) =>
        Get<IConversationStore>().GetAsync($"sms:{serviceId}:{from}");

    /// <summary>Every stored conversation whose key mentions this number.</summary>
    public async Task<IReadOnlyList<ConversationRecord>> ConversationsOfAsync(string from) =>
        [.. (await Get<IConversationStore>().ListIdleAsync(DateTimeOffset.MaxValue, 1000)).Where(c => c.Key.EndsWith(":" + from, StringComparison.Ordinal))];

    public async Task<ContactRequest> RequestFromReplyAsync(string? reply)
    {
        reply.ShouldNotBeNull();
        var match = ReferencePattern().Match(reply);
        match.Success.ShouldBeTrue($"no reference ID in: {reply}");
        var request = await Get<IRequestStore>().GetAsync(match.Groups[1].Value);
        request.ShouldNotBeNull($"reference {match.Groups[1].Value} is not in the request store");
        return request;
    }

    [GeneratedRegex("reference is ([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})")]
    private static partial Regex ReferencePattern();
}
