using System.Globalization;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Shared limit counts in MongoDB: one document per key and window, incremented by an upsert that
/// returns the new count, and removed by a TTL index once the window has passed. Backoffs are one
/// document per key in <c>rateBackoffs</c>, written only at the version read, so two hosts recording a
/// failure at once each count it: the one that loses reads again and counts on top.
/// </summary>
public sealed class MongoRateCounterStore(MongoStorage storage) : IRateCounterStore
{
    private const int MaxBackoffAttempts = 50;
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

    public async Task<Backoff> RecordFailureAsync(string key, DateTimeOffset now, BackoffSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(schedule);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var byKey = Builders<RateBackoffDocument>.Filter.Eq(d => d.Id, key);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await storage.RateBackoffs.Find(byKey).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var next = schedule.Next(stored is null ? null : BackoffOf(stored), now);
            var document = new RateBackoffDocument(key, next.Failures, next.WindowStart, next.NotBefore, next.ExpiresAt, (stored?.Version ?? 0) + 1);
            try
            {
                if (stored is null)
                {
                    await storage.RateBackoffs.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return next;
                }

                var atVersion = byKey & Builders<RateBackoffDocument>.Filter.Eq(d => d.Version, stored.Version);
                var replaced = await storage.RateBackoffs.ReplaceOneAsync(atVersion, document, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (replaced.MatchedCount == 1)
                {
                    return next;
                }
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
            {
                // Another host inserted the first failure: read it and count on top.
            }

            if (attempt == MaxBackoffAttempts)
            {
                throw new InvalidOperationException("A sign-in backoff was changed by other writers on every attempt.");
            }
        }
    }

    public async Task<Backoff?> GetBackoffAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var stored = await storage.RateBackoffs.Find(Builders<RateBackoffDocument>.Filter.Eq(d => d.Id, key))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return stored is null ? null : BackoffOf(stored);
    }

    private static Backoff BackoffOf(RateBackoffDocument stored) => new(stored.Failures, stored.WindowStart, stored.NotBefore, stored.ExpiresAt);
}
