using MongoDB.Driver;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Retention removals in MongoDB, one small batch per call. A request is removed by a delete that repeats the
/// closed condition, so one reopened or changed since it was listed stays; its messages and webhook delivery
/// go after it (a purge cut off between the two leaves only rows no request points to, which no page shows).
/// </summary>
public sealed class MongoRetentionStore(MongoStorage storage) : IRetentionStore
{
    private static readonly FilterDefinitionBuilder<RequestDocument> RequestFilter = Builders<RequestDocument>.Filter;

    public async Task<IReadOnlyList<ClosedRequest>> ListClosedAsync(DateTimeOffset closedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var candidates = await storage.Requests.Find(Closed(closedBefore))
            .SortBy(d => d.Request.CreatedAt)
            .Limit(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var recent = await WithMessagesSinceAsync([.. candidates.Select(d => d.Id)], closedBefore, cancellationToken).ConfigureAwait(false);
        return [.. candidates
            .Where(d => !recent.Contains(d.Id))
            .Select(d => new ClosedRequest(d.Id, [.. d.Request.Attachments.Select(a => a.Id)]))];
    }

    public async Task<int> DeleteClosedAsync(IReadOnlyCollection<string> referenceIds, DateTimeOffset closedBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceIds);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var recent = await WithMessagesSinceAsync(referenceIds, closedBefore, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var id in referenceIds.Where(id => !recent.Contains(id)))
        {
            var result = await storage.Requests.DeleteOneAsync(RequestFilter.Eq(d => d.Id, id) & Closed(closedBefore), cancellationToken).ConfigureAwait(false);
            if (result.DeletedCount == 1)
            {
                removed++;
            }

            if (result.DeletedCount == 1)
            {
                await storage.Messages.DeleteManyAsync(Builders<RequestMessage>.Filter.Eq(m => m.ReferenceId, id), cancellationToken).ConfigureAwait(false);
                await storage.WebhookDeliveries.DeleteManyAsync(Builders<WebhookDelivery>.Filter.Eq(w => w.ReferenceId, id), cancellationToken).ConfigureAwait(false);
            }
        }

        return removed;
    }

    public async Task<int> DeleteAuditAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var old = await storage.Audit.Find(Builders<AuditDocument>.Filter.Lt(a => a.At, before))
            .SortBy(a => a.At)
            .Limit(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var references = old.Where(a => a.ReferenceId is not null).Select(a => a.ReferenceId!).Distinct().ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (references.Count > 0)
        {
            using var found = await storage.Requests.DistinctAsync(d => d.Id, RequestFilter.In(d => d.Id, references), cancellationToken: cancellationToken).ConfigureAwait(false);
            stored.UnionWith(await found.ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        var removable = old.Where(a => a.ReferenceId is null || !stored.Contains(a.ReferenceId)).Select(a => a.Id).ToList();
        if (removable.Count == 0)
        {
            return 0;
        }

        var result = await storage.Audit.DeleteManyAsync(Builders<AuditDocument>.Filter.In(a => a.Id, removable), cancellationToken).ConfigureAwait(false);
        return (int)result.DeletedCount;
    }

    public async Task<int> ClearOutboxBodiesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var filter = Builders<OutboxMessage>.Filter;
        var due = filter.In(m => m.Status, [OutboxStatus.Sent, OutboxStatus.Failed]) & filter.Ne(m => m.Body, "") & filter.Lt(m => m.CreatedAt, before);
        // Whole documents, not a projection: they are small, and the ids come back as the class map reads them.
        var ids = (await storage.Outbox.Find(due).SortBy(m => m.CreatedAt).Limit(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken).ConfigureAwait(false)).Select(m => m.Id).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        var result = await storage.Outbox.UpdateManyAsync(due & filter.In(m => m.Id, ids), Builders<OutboxMessage>.Update.Set(m => m.Body, ""), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (int)result.ModifiedCount;
    }

    public async Task<int> DeleteOptInsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var filter = Builders<OptOutDocument>.Filter;
        var due = filter.Eq(d => d.OptedOut, false) & filter.Lt(d => d.UpdatedAt, before);
        var ids = (await storage.OptOuts.Find(due).Limit(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(d => d.Id).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        // The condition again: a STOP arriving meanwhile keeps the number.
        var result = await storage.OptOuts.DeleteManyAsync(due & filter.In(d => d.Id, ids), cancellationToken).ConfigureAwait(false);
        return (int)result.DeletedCount;
    }

    private static FilterDefinition<RequestDocument> Closed(DateTimeOffset closedBefore) =>
        RequestFilter.Eq(d => d.Request.Status, RequestStatus.Done) & RequestFilter.Lt(d => d.Request.UpdatedAt, closedBefore);

    private async Task<HashSet<string>> WithMessagesSinceAsync(IReadOnlyCollection<string> referenceIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (referenceIds.Count == 0)
        {
            return [];
        }

        var filter = Builders<RequestMessage>.Filter;
        using var ids = await storage.Messages.DistinctAsync(m => m.ReferenceId, filter.In(m => m.ReferenceId, referenceIds) & filter.Gte(m => m.CreatedAt, since), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return (await ids.ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
    }
}
