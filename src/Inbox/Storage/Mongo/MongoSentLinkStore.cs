using MongoDB.Driver;
using PatientContact.Inbox.Links;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Links texted to patients, in MongoDB: the link itself is the document, <c>_id</c> its id. A unique
/// index over the token hash (only where there is one: a general link has none) refuses a second link
/// with the same token, and every change is checked against the link's version.
/// </summary>
public sealed class MongoSentLinkStore(MongoStorage storage) : ISentLinkStore
{
    private static readonly FilterDefinitionBuilder<SentLink> Filter = Builders<SentLink>.Filter;

    public async Task<AddResult> AddAsync(SentLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.SentLinks.InsertOneAsync(link, cancellationToken: cancellationToken).ConfigureAwait(false);
            return AddResult.Added;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            // The same id, or the same token hash, is there already: the first link stands.
            return AddResult.AlreadyExists;
        }
    }

    public async Task<SentLink?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.SentLinks.Find(ById(id)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SentLink?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.SentLinks.Find(ByTokenHash(tokenHash)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SentLink>> ListForServicesAsync(IReadOnlyCollection<string> serviceIds, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var services = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        var take = MongoLimits.Clamp(limit);
        if (services.Length == 0 || take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.SentLinks
            .Find(ForServices(services))
            .Sort(NewestFirst)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<bool> TryUpdateAsync(SentLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        // One conditional write: the version check and the replacement cannot be split by another writer.
        var result = await storage.SentLinks
            .ReplaceOneAsync(AtVersion(link.Id, link.Version - 1), link, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    internal static readonly SortDefinition<SentLink> NewestFirst =
        Builders<SentLink>.Sort.Descending(l => l.SentAt).Ascending(l => l.Id);

    internal static FilterDefinition<SentLink> ById(string id) => Filter.Eq(l => l.Id, id);

    internal static FilterDefinition<SentLink> ByTokenHash(string tokenHash) => Filter.Eq(l => l.TokenHash, tokenHash);

    internal static FilterDefinition<SentLink> AtVersion(string id, long version) =>
        Filter.Eq(l => l.Id, id) & Filter.Eq(l => l.Version, version);

    internal static FilterDefinition<SentLink> ForServices(IEnumerable<string> serviceIds) => Filter.In(l => l.ServiceId, serviceIds);
}
