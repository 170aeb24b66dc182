using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Verification;

/// <summary>Why a one-time code was not sent.</summary>
public enum CodeSendRefusal
{
    /// <summary>Codes go only to UK mobiles (+447); landlines, premium, pager and international numbers never get one.</summary>
    NotUkMobile,

    /// <summary>The number has had <see cref="VerificationOptions.MaxCodesPerNumber"/> codes within the window, from any conversation.</summary>
    NumberLimit,

    /// <summary>The client (IP address, or SMS sender) has asked for <see cref="VerificationOptions.MaxCodesPerClient"/> codes within the window.</summary>
    ClientLimit,
}

/// <summary>
/// Limits one-time code texts across conversations: per destination number and per client. The counts
/// are in the store (<see cref="IRateCounterStore"/>), so every host shares one budget and a restart
/// forgets nothing, under keyed hashes of the number and client (<see cref="ILimitKeys"/>), never
/// either in clear. Each is counted in fixed windows of <see cref="VerificationOptions.RateLimitWindow"/>
/// and read as a sliding window: this window's codes plus the last window's, weighted by how much of it
/// is still within one window of now. A refused code is not counted. Codes asked for at the same moment
/// can each read the same count, so a limit can be passed by as many as arrive at once. A store fault
/// lets the code through: the patient is never kept unverified for the limit's own failure.
/// </summary>
public sealed partial class CodeSendLimiter(
    IRateCounterStore counters,
    ILimitKeys keys,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<CodeSendLimiter> logger)
{
    /// <summary>What the patient is told when no code is sent; the conversation then carries on unverified.</summary>
    public static string Explain(CodeSendRefusal refusal) => refusal switch
    {
        CodeSendRefusal.NotUkMobile => "We can only text a code to a UK mobile number.",
        CodeSendRefusal.NumberLimit => "We've sent as many codes to that number as we can for now.",
        _ => "We've sent as many codes as we can for now.",
    };

    /// <summary>
    /// Counts a code about to be sent to <paramref name="phone"/> for this client, or says why it may not be.
    /// The client is the IP address (an IPv6 address counts by its /64) or, by SMS, the sender's number.
    /// </summary>
    public async Task<CodeSendRefusal?> TryAcquireAsync(string? phone, bool isMobile, string? clientAddress, string? senderPhone, CancellationToken cancellationToken = default)
    {
        if (!isMobile || !UkPhoneNumbers.IsMobile(phone))
        {
            return CodeSendRefusal.NotUkMobile;
        }

        var settings = options.Value;
        var window = settings.RateLimitWindow;
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var numberKey = "code-number:" + keys.KeyFor("code-number", phone!);
        var clientKey = ClientKey(clientAddress, senderPhone) is { } client ? "code-client:" + keys.KeyFor("code-client", client) : null;
        try
        {
            if (await SlidingCountAsync(numberKey, start, now, window, cancellationToken) >= settings.MaxCodesPerNumber)
            {
                return CodeSendRefusal.NumberLimit;
            }

            if (clientKey is not null && await SlidingCountAsync(clientKey, start, now, window, cancellationToken) >= settings.MaxCodesPerClient)
            {
                return CodeSendRefusal.ClientLimit;
            }

            // Kept through the next window, where it is read as the last one.
            var expires = start + window + window;
            await counters.IncrementAsync(numberKey, start, expires, cancellationToken);
            if (clientKey is not null)
            {
                await counters.IncrementAsync(clientKey, start, expires, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFault(logger, ex.GetType().Name);
        }

        return null;
    }

    /// <summary>The client a limit counts against, or null when the channel knows none.</summary>
    public static string? ClientKey(string? clientAddress, string? senderPhone) =>
        ClientAddress.Key(clientAddress) ?? (string.IsNullOrWhiteSpace(senderPhone) ? null : "sender:" + senderPhone);

    /// <summary>This window's count plus the last window's, weighted by the share of it still within one window of now.</summary>
    private async Task<double> SlidingCountAsync(string key, DateTimeOffset start, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        var current = await counters.CountAsync(key, start, cancellationToken);
        var previous = await counters.CountAsync(key, start - window, cancellationToken);
        var stillInside = 1 - ((now - start) / window);
        return current + (previous * stillInside);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A one-time code could not be counted against its limits ({Error}); it was sent")]
    private static partial void LogStoreFault(ILogger logger, string error);
}
