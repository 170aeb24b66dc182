using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>The Data Protection key ring in MongoDB: one small document per element, never removed by a TTL.</summary>
public sealed class MongoKeyRingStore(MongoStorage storage) : IKeyRingStore
{
    public async Task<IReadOnlyList<KeyRingEntry>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.KeyRing.Find(FilterDefinition<KeyRingDocument>.Empty)
            .SortBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. documents.Select(d => new KeyRingEntry(d.Id, d.Xml, d.CreatedAt))];
    }

    public async Task<bool> AddAsync(KeyRingEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Name);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.KeyRing.InsertOneAsync(new KeyRingDocument(entry.Name, entry.Xml, entry.CreatedAt), cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return false;
        }
    }
}
