namespace PatientContact.Inbox.Storage;

/// <summary>
/// One photo as kept: what staff see of it and where it came from. The conversation that took it owns it until the
/// request is submitted; from then on the request lists it (<see cref="Requests.ContactRequest.Attachments"/>) and
/// only staff of that service can read it.
/// </summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the content, checked again when it is read.</param>
public sealed record AttachmentInfo(
    string Id,
    string ConversationKey,
    string ServiceId,
    string ContentType,
    long Bytes,
    int Width,
    int Height,
    string Sha256,
    DateTimeOffset CreatedAt);

/// <summary>A photo with its bytes.</summary>
public sealed record StoredAttachment(AttachmentInfo Info, byte[] Content);

/// <summary>Photos sent with requests, kept apart from the requests so a request's own record stays small.</summary>
public interface IAttachmentStore
{
    /// <summary>Keeps the photo; one with the same id already there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(AttachmentInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The photo and its bytes; null when there is none with that id. Throws <see cref="InvalidDataException"/> when the bytes no longer match their hash.</summary>
    Task<StoredAttachment?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes these photos (those of a conversation given up); returns how many there were.</summary>
    Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}
