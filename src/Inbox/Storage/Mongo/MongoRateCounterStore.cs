using System.Globalization;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Shared limit counts in MongoDB: one document per key and window, incremented by an upsert that
/// returns the new count, and removed by a TTL index once the window has passed.
/// </summary>
public sealed class MongoRateCounterStore(MongoStorage storage) : IRateCounterStore
{
    private static readonly FindOneAndUpdateOptions<RateCounterDocument> Upsert = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    public async Task<long> IncrementAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var id = IdOf(key, windowStart);
        var update = Builders<RateCounterDocument>.Update.Inc(d => d.Count, 1L).SetOnInsert(d => d.ExpiresAt, expiresAt);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var counted = await storage.RateCounters.FindOneAndUpdateAsync(
                    Builders<RateCounterDocument>.Filter.Eq(d => d.Id, id), update, Upsert, cancellationToken).ConfigureAwait(false);
                return counted.Count;
            }
            catch (Exception ex) when (attempt == 1 && MongoErrors.IsDuplicateKey(ex))
            {
                // Two first counts raced to insert the document; the second increments the one that won.
            }
        }
    }

    public async Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var counted = await storage.RateCounters.Find(Builders<RateCounterDocument>.Filter.Eq(d => d.Id, IdOf(key, windowStart)))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return counted?.Count ?? 0;
    }

    private static string IdOf(string key, DateTimeOffset windowStart) => key + "@" + windowStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
