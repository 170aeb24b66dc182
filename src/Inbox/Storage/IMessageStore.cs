using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage;

/// <summary>The messages on submitted requests (<see cref="RequestMessage"/>). Nothing added here is deleted by the application.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Adds the message. One with the same id, or the same non-null <see cref="RequestMessage.DedupeKey"/>, already
    /// there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.
    /// </summary>
    Task<AddResult> AddAsync(RequestMessage message, CancellationToken cancellationToken = default);

    Task<RequestMessage?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The message stored with this dedupe key; null when there is none.</summary>
    Task<RequestMessage?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken cancellationToken = default);

    /// <summary>The outbound text Twilio knows by this SID; null when there is none.</summary>
    Task<RequestMessage?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default);

    /// <summary>A request's messages, oldest first.</summary>
    Task<IReadOnlyList<RequestMessage>> ListForRequestAsync(string referenceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets an outbound text's status (and Twilio's SID and the error, when given) only if its status now is one of
    /// <paramref name="from"/>, in one conditional write, so a report arriving late never undoes a later one.
    /// Returns false when the text is not there or is no longer in one of those statuses.
    /// </summary>
    Task<bool> TryUpdateStatusAsync(Guid id, DeliveryStatus status, IReadOnlyCollection<DeliveryStatus> from, DateTimeOffset at, string? providerMessageId, string? error, CancellationToken cancellationToken = default);

    /// <summary>Marks a request's unread inbound messages as seen at <paramref name="at"/>; returns how many were unread.</summary>
    Task<int> MarkSeenAsync(string referenceId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Which of these requests have an inbound message no member of staff has seen.</summary>
    Task<IReadOnlySet<string>> WithUnreadAsync(IReadOnlyCollection<string> referenceIds, CancellationToken cancellationToken = default);

    /// <summary>The most recent text a member of staff of the service sent to this number at or after <paramref name="since"/>; null when none.</summary>
    Task<RequestMessage?> LatestStaffTextAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default);
}
