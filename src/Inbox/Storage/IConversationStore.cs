namespace PatientContact.Inbox.Storage;

/// <summary>
/// One persisted conversation. <see cref="Data"/> is the conversation engine's own JSON, as UTF-8 bytes (what
/// the engine writes and reads, and what SQLite keeps, with no conversion to text on the way); the store only
/// keeps it. <see cref="Version"/> is the version this record would have once written.
/// </summary>
public sealed record ConversationRecord(
    string Key,
    string ServiceId,
    string State,
    byte[] Data,
    long Version,
    DateTimeOffset UpdatedAt)
{
    /// <summary><see cref="Data"/> as text: how MongoDB keeps it, and how a person reads it.</summary>
    public string DataText => System.Text.Encoding.UTF8.GetString(Data);

    /// <summary>
    /// The key of the client's input this version applies (<see cref="IInputIndex"/>), added to the index by the
    /// save that writes this version and only if it writes it; never read back. Null when the turn's input id is
    /// not one the index keeps.
    /// </summary>
    public string? AppliedInput { get; init; }

    /// <summary>
    /// A shared limit's count (<see cref="IRateCounterStore"/>) that the turn adds one to, by the save that writes
    /// this version and only if it writes it; never read back. A turn that is answered from memory, or loses its
    /// race, counts nothing.
    /// </summary>
    public RateCount? Counted { get; init; }

    /// <summary>Equal when every field is, the data compared byte by byte.</summary>
    public bool Equals(ConversationRecord? other) =>
        other is not null
        && Key == other.Key
        && ServiceId == other.ServiceId
        && State == other.State
        && Data.AsSpan().SequenceEqual(other.Data)
        && Version == other.Version
        && UpdatedAt == other.UpdatedAt
        && AppliedInput == other.AppliedInput
        && Equals(Counted, other.Counted);

    public override int GetHashCode() => HashCode.Combine(Key, Version, UpdatedAt);
}

/// <summary>A conversation as read for a turn (null when there is none yet), and whether the turn's input was applied before.</summary>
public readonly record struct ConversationRead(ConversationRecord? Record, bool InputApplied);

/// <summary>Conversations in progress, with optimistic concurrency on <see cref="ConversationRecord.Version"/>.</summary>
public interface IConversationStore
{
    Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The conversation, and whether <paramref name="appliedInput"/> is in the input index (<see cref="IInputIndex"/>
    /// of the same store): what every turn with a client's input id asks first. One statement in SQLite; two
    /// queries at once in MongoDB.
    /// </summary>
    Task<ConversationRead> GetWithInputAsync(string key, string appliedInput, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the record when it is the next version: version 1 only if no record has the key,
    /// version n only if the stored one is n-1. Returns false when another writer got there first.
    /// With it, and only when it is written, the record's <see cref="ConversationRecord.AppliedInput"/> and
    /// <see cref="ConversationRecord.Counted"/>: in the same transaction where the store has one writer
    /// (SQLite), so a turn is one write; right after it otherwise (MongoDB), a failure there logged and passed over.
    /// </summary>
    Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default);

    /// <summary>Conversations last written before <paramref name="cutoff"/>, oldest first.</summary>
    Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record if it is still at <paramref name="version"/>.</summary>
    Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default);
}
