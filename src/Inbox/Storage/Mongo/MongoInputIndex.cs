using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// The applied inputs in MongoDB: one small document per key (<c>_id</c> the key), removed by the
/// service's purge after <c>Conversation:InputMemory</c> and by a TTL index after
/// <see cref="MongoStorageOptions.InputRetention"/> behind it.
/// </summary>
public sealed class MongoInputIndex(MongoStorage storage) : IInputIndex
{
    private static readonly FilterDefinitionBuilder<AppliedInputDocument> Filter = Builders<AppliedInputDocument>.Filter;

    public async Task<bool> AddAsync(string key, DateTimeOffset appliedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.AppliedInputs.InsertOneAsync(
                new AppliedInputDocument(key, appliedAt, storage.ExpiresAt(storage.Options.InputRetention)),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return false;
        }
    }

    public async Task<bool> ContainsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.AppliedInputs.Find(Filter.Eq(d => d.Id, key)).Limit(1).CountDocumentsAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var old = await storage.AppliedInputs.Find(Filter.Lt(d => d.AppliedAt, before))
            .SortBy(d => d.AppliedAt).Limit(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (old.Count == 0)
        {
            return 0;
        }

        var result = await storage.AppliedInputs.DeleteManyAsync(Filter.In(d => d.Id, old.Select(d => d.Id)) & Filter.Lt(d => d.AppliedAt, before), cancellationToken).ConfigureAwait(false);
        return (int)result.DeletedCount;
    }
}
