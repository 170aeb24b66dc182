namespace PatientContact.Inbox.Storage;

/// <summary>
/// The inputs already applied to conversations (Twilio's <c>MessageSid</c>, the web chat's
/// <c>clientActivityID</c>), each kept as a short keyed hash with the time it was applied, for as long
/// as Twilio and the widget may send it again (<c>Conversation:InputMemory</c>, at least a day). A
/// compact index, not the replies: a repeat older than the session's last few inputs is recognised and
/// answered with nothing, never applied again.
/// </summary>
public interface IInputIndex
{
    /// <summary>Records the key; false when it was there already (the first time is kept).</summary>
    Task<bool> AddAsync(string key, DateTimeOffset appliedAt, CancellationToken cancellationToken = default);

    Task<bool> ContainsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="limit"/> keys applied before <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);
}
