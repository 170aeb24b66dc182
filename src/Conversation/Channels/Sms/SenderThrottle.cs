using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>Settings of the per-sender text limit (section "Sms").</summary>
public sealed class SmsThrottleOptions
{
    public const string SectionName = "Sms";

    /// <summary>Texts one number may send in <see cref="SenderWindow"/>; a whole conversation takes 13, with a few changes under 20.</summary>
    [Range(20, 100_000)]
    public int MaxTextsPerSender { get; set; } = 40;

    /// <summary>The fixed window the texts are counted in.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SenderWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>What to do with a text from a number that may be over its limit.</summary>
public enum SenderThrottleResult
{
    /// <summary>Within the limit: handled as usual.</summary>
    Allow,

    /// <summary>The first text over the limit: answered once with <see cref="SenderThrottle.SlowDown"/>, not read.</summary>
    Tell,

    /// <summary>Later texts in the same window: not read and not answered, so a loop between two machines ends.</summary>
    Quiet,
}

/// <summary>What <see cref="SenderThrottle.CheckAsync"/> decided, and the count a text it allows adds with its turn.</summary>
/// <param name="Count">The text's count against the limit, for the turn's save (<see cref="TurnInput.Counted"/>); null if not allowed.</param>
public sealed record SenderCheck(SenderThrottleResult Result, RateCount? Count);

/// <summary>
/// Limits the texts one number may send (a script, or an auto-reply loop with another machine, would
/// otherwise get a reply to each): counted in the store (<see cref="IRateCounterStore"/>), so every host
/// shares one budget, under a keyed hash of the number, never the number itself. STOP is never limited.
/// The count is read before the text is handled, and a text that is handled adds one with its own turn's
/// write (one write a text, not two); a text over the limit adds one on its own, so the next is quiet.
/// Texts from one number arriving at the same moment can each read the same count, so the limit can be
/// passed by as many texts as arrive at once: it stops loops and floods, not the odd extra text.
/// A store fault lets the text through: nothing stops a patient for the limit's own failure.
/// </summary>
public sealed partial class SenderThrottle(
    IRateCounterStore counters,
    OneTimeCodes hashes,
    IOptions<SmsThrottleOptions> options,
    TimeProvider time,
    ILogger<SenderThrottle> logger)
{
    public const string SlowDown =
        "You have sent us a lot of texts in a short time, so we will not read any more for a few minutes. If you need help now, call 111 or go to 111.nhs.uk. In an emergency, call 999.";

    public async Task<SenderCheck> CheckAsync(string serviceId, string from, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var windowTicks = settings.SenderWindow.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % windowTicks), TimeSpan.Zero);
        var count = new RateCount("sms-sender:" + hashes.KeyFor("sms-sender", from), start, start + settings.SenderWindow);
        long before;
        try
        {
            before = await counters.CountAsync(count.Key, count.WindowStart, cancellationToken);
            if (before < settings.MaxTextsPerSender)
            {
                return new SenderCheck(SenderThrottleResult.Allow, count);
            }

            if (before > settings.MaxTextsPerSender)
            {
                return new SenderCheck(SenderThrottleResult.Quiet, null);
            }

            // The first text over the limit: counted now, since no turn will count it, so the next one is quiet.
            await counters.IncrementAsync(count.Key, count.WindowStart, count.ExpiresAt, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotCounted(logger, serviceId, ex.GetType().Name);
            return new SenderCheck(SenderThrottleResult.Allow, null);
        }

        LogThrottled(logger, serviceId, settings.MaxTextsPerSender);
        return new SenderCheck(SenderThrottleResult.Tell, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A number texting service {ServiceId} passed {Limit} texts in its window; its texts are not read until the window ends")]
    private static partial void LogThrottled(ILogger logger, string serviceId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A text to service {ServiceId} could not be counted against its sender's limit ({Error}); it was let through")]
    private static partial void LogNotCounted(ILogger logger, string serviceId, string error);
}
