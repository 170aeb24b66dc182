namespace PatientContact.Inbox.Storage;

/// <summary>A closed request the retention policy may remove, with the photos to remove first.</summary>
public sealed record ClosedRequest(string ReferenceId, IReadOnlyList<string> AttachmentIds);

/// <summary>
/// What the retention purger removes (docs/retention.md). Each call does one small batch, so no call holds
/// the store's one writer for long; every removal checks its condition again as it writes.
/// </summary>
public interface IRetentionStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> requests marked done whose last change was before <paramref name="closedBefore"/>
    /// and with no message on them since then, oldest first. Open requests are never listed.
    /// </summary>
    Task<IReadOnlyList<ClosedRequest>> ListClosedAsync(DateTimeOffset closedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes these requests with their messages and FHIR webhook deliveries, each only if it is still done,
    /// unchanged and without messages since <paramref name="closedBefore"/> (one reopened meanwhile is kept).
    /// Returns how many requests were removed.
    /// </summary>
    Task<int> DeleteClosedAsync(IReadOnlyCollection<string> referenceIds, DateTimeOffset closedBefore, CancellationToken cancellationToken = default);

    /// <summary>Removes up to <paramref name="limit"/> audit lines written before <paramref name="before"/> that are not about a request still stored.</summary>
    Task<int> DeleteAuditAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Empties the body of up to <paramref name="limit"/> sent or failed texts created before <paramref name="before"/>; the row (who, when, what for, outcome) stays.</summary>
    Task<int> ClearOutboxBodiesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes up to <paramref name="limit"/> numbers opted back in (START) before <paramref name="before"/>; a number still opted out is never removed.</summary>
    Task<int> DeleteOptInsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);
}
