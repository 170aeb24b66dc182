namespace PatientContact.Inbox.Storage;

/// <summary>
/// Counts for limits that every host shares (per-sender texts, and any other budget that must hold
/// across several instances): one count per key and fixed window, kept until the window has passed.
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
}

/// <summary>One count of a shared limit: its key and fixed window, and when the count may be forgotten.</summary>
public sealed record RateCount(string Key, DateTimeOffset WindowStart, DateTimeOffset ExpiresAt);
