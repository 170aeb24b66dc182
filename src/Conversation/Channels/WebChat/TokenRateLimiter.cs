using Microsoft.Extensions.Options;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// Limits new conversations (<c>POST /c/{serviceId}/token</c>, a follow-up link's token, a new form)
/// per client (an IP address, IPv6 by its /64): a fixed window of a minute, so one client cannot mint
/// conversations (and the store rows behind them) as fast as it likes. The count is kept in the store
/// (<see cref="IRateCounterStore"/>) under a keyed hash of the client, so hosts sharing a store share
/// one budget. A store fault lets the conversation start: nobody is refused for the limit's own failure.
/// </summary>
public sealed partial class TokenRateLimiter(
    IRateCounterStore counters,
    OneTimeCodes hashes,
    IOptions<WebChatOptions> options,
    TimeProvider time,
    ILogger<TokenRateLimiter> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Takes one permit for the client; null when allowed, otherwise how long to wait.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string clientKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientKey);
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Window.Ticks), TimeSpan.Zero);
        long count;
        try
        {
            count = await counters.IncrementAsync("conversations:" + hashes.KeyFor("client", clientKey), start, start + Window, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotCounted(logger, ex.GetType().Name);
            return null;
        }

        return count > options.Value.TokenRequestsPerMinute ? start + Window - now : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A new conversation could not be counted against its client's limit ({Error}); it was let through")]
    private static partial void LogNotCounted(ILogger logger, string error);
}
