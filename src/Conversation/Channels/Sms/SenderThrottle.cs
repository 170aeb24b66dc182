using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

/// <summary>
/// Limits the texts one number may send (a script, or an auto-reply loop with another machine, would
/// otherwise get a reply to each): counted in the store (<see cref="IRateCounterStore"/>), so every host
/// shares one budget, under a keyed hash of the number, never the number itself. STOP is never limited.
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

    public async Task<SenderThrottleResult> CheckAsync(string serviceId, string from, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var windowTicks = settings.SenderWindow.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % windowTicks), TimeSpan.Zero);
        long count;
        try
        {
            count = await counters.IncrementAsync("sms-sender:" + hashes.KeyFor("sms-sender", from), start, start + settings.SenderWindow, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotCounted(logger, serviceId, ex.GetType().Name);
            return SenderThrottleResult.Allow;
        }

        if (count <= settings.MaxTextsPerSender)
        {
            return SenderThrottleResult.Allow;
        }

        if (count == settings.MaxTextsPerSender + 1)
        {
            LogThrottled(logger, serviceId, settings.MaxTextsPerSender);
            return SenderThrottleResult.Tell;
        }

        return SenderThrottleResult.Quiet;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A number texting service {ServiceId} passed {Limit} texts in its window; its texts are not read until the window ends")]
    private static partial void LogThrottled(ILogger logger, string serviceId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A text to service {ServiceId} could not be counted against its sender's limit ({Error}); it was let through")]
    private static partial void LogNotCounted(ILogger logger, string serviceId, string error);
}
