using PatientContact.Inbox.Links;

namespace PatientContact.Inbox.Storage;

/// <summary>Links staff texted to patients (the "sent links" list), with optimistic concurrency on <see cref="SentLink.Version"/>.</summary>
public interface ISentLinkStore
{
    /// <summary>Adds the link; one with the same id or token hash already there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(SentLink link, CancellationToken cancellationToken = default);

    Task<SentLink?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The follow-up link whose token hashes to <paramref name="tokenHash"/>; null when there is none.</summary>
    Task<SentLink?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Links sent for any of these services, newest first.</summary>
    Task<IReadOnlyList<SentLink>> ListForServicesAsync(IReadOnlyCollection<string> serviceIds, int limit, CancellationToken cancellationToken = default);

    /// <summary>Replaces the link when the stored version is <c>link.Version - 1</c>; false when someone else changed it first.</summary>
    Task<bool> TryUpdateAsync(SentLink link, CancellationToken cancellationToken = default);
}
