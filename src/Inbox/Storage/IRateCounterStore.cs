namespace PatientContact.Inbox.Storage;

/// <summary>
/// Counts for limits that every host shares (per-sender texts, and any other budget that must hold
/// across several instances): one count per key and fixed window, kept until the window has passed; and
/// for waits that grow with each failure (sign-in), one record per key of its failures and when it may next try.
/// Keys are limit names and hashed or network-level client keys, never a phone number in clear.
/// </summary>
public interface IRateCounterStore
{
    /// <summary>
    /// Adds one to the key's count in the window starting at <paramref name="windowStart"/> and returns
    /// the count with this one, atomically, whichever host asks. The count may be forgotten after
    /// <paramref name="expiresAt"/>.
    /// </summary>
    Task<long> IncrementAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key's count in the window starting at <paramref name="windowStart"/>, without adding to it (0 when
    /// nothing was counted): a limit that reads before a turn and counts with the turn's own write
    /// (<see cref="ConversationRecord.Counted"/>).
    /// </summary>
    Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records one failure of the key at <paramref name="now"/> under <paramref name="schedule"/>
    /// (<see cref="BackoffSchedule.Next"/>), atomically, whichever host asks, and returns the key's failures with it.
    /// </summary>
    Task<Backoff> RecordFailureAsync(string key, DateTimeOffset now, BackoffSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>The key's failures as last recorded, or null when none are kept (never recorded, or forgotten after expiry).</summary>
    Task<Backoff?> GetBackoffAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>One count of a shared limit: its key and fixed window, and when the count may be forgotten.</summary>
public sealed record RateCount(string Key, DateTimeOffset WindowStart, DateTimeOffset ExpiresAt);

/// <summary>
/// A growing wait after failures (wrong sign-ins): the first <see cref="Free"/> in a <see cref="Window"/> are
/// answered at once; after that each must wait twice as long as the one before, up to <see cref="Max"/>.
/// </summary>
public sealed record BackoffSchedule(int Free, TimeSpan Max, TimeSpan Window)
{
    /// <summary>How long to wait after <paramref name="failures"/> failures (zero while they are under <see cref="Free"/>).</summary>
    public TimeSpan After(int failures)
    {
        if (failures < Free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - Free, 30);
        var delay = TimeSpan.FromSeconds(Math.Pow(2, doublings));
        return delay < Max ? delay : Max;
    }

    /// <summary>The key's failures after one more at <paramref name="now"/>: counted again from one once the window has passed.</summary>
    public Backoff Next(Backoff? previous, DateTimeOffset now)
    {
        var (failures, first) = previous is { } p && p.WindowStart > now - Window ? (p.Failures + 1, p.WindowStart) : (1, now);
        var notBefore = now + After(failures);
        var windowEnd = first + Window;
        return new Backoff(failures, first, notBefore, notBefore > windowEnd ? notBefore : windowEnd);
    }
}

/// <summary>One key's failures in its window, when its next try may be checked, and when the record may be forgotten.</summary>
public sealed record Backoff(int Failures, DateTimeOffset WindowStart, DateTimeOffset NotBefore, DateTimeOffset ExpiresAt);
