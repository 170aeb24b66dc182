using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Daily usage counters in MongoDB, one document per service, counter and day.</summary>
public sealed class MongoUsageCounterStore(MongoStorage storage) : IUsageCounterStore
{
    private const int MaxAttempts = 3;
    private static readonly FilterDefinitionBuilder<UsageCounterDocument> Filter = Builders<UsageCounterDocument>.Filter;
    private static readonly UpdateOptions Upsert = new() { IsUpsert = true };

    public async Task IncrementAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(counter);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // $inc happens inside MongoDB, so concurrent callers never overwrite each other's count.
                await storage.UsageCounters.UpdateOneAsync(Key(serviceId, counter, day), IncrementUpdate, Upsert, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex) && attempt < MaxAttempts)
            {
                // Two first increments of a day raced to create the document; the loser now finds it.
            }
        }
    }

    public async Task<long> GetAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(counter);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.UsageCounters.Find(Key(serviceId, counter, day)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.Value ?? 0;
    }

    public async Task<IReadOnlyList<UsageCount>> ListAsync(IReadOnlyCollection<string> serviceIds, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var ids = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        // Days are stored as yyyy-MM-dd strings, whose order is the days' order.
        var documents = await storage.UsageCounters
            .Find(Filter.In(d => d.ServiceId, ids) & Filter.Gte(d => d.Day, from) & Filter.Lte(d => d.Day, to))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return [.. documents
            .Select(d => new UsageCount(d.ServiceId, d.Counter, d.Day, d.Value))
            .OrderBy(c => c.Day).ThenBy(c => c.ServiceId, StringComparer.Ordinal).ThenBy(c => c.Counter, StringComparer.Ordinal)];
    }

    internal static FilterDefinition<UsageCounterDocument> Key(string serviceId, string counter, DateOnly day) =>
        Filter.Eq(d => d.ServiceId, serviceId) & Filter.Eq(d => d.Counter, counter) & Filter.Eq(d => d.Day, day);

    internal static readonly UpdateDefinition<UsageCounterDocument> IncrementUpdate = Builders<UsageCounterDocument>.Update.Inc(d => d.Value, 1L);
}
