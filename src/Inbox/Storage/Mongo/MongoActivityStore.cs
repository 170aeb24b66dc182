using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Direct Line activity streams in MongoDB, one document per batch. A batch takes the number after the
/// conversation's last one; the unique (conversation, sequence) index makes two hosts appending at once
/// take different numbers, and the unique (conversation, clientActivityId) index makes a retried post
/// find its first batch instead of adding a second.
/// </summary>
public sealed class MongoActivityStore(MongoStorage storage) : IActivityStore
{
    /// <summary>Appends that lose this many races in a row give up (each loss means another append succeeded).</summary>
    private const int MaxAttempts = 100;
    private const int MaxDeletedConversationsPerCall = 1000;

    private static readonly FilterDefinitionBuilder<ActivityBatchDocument> Filter = Builders<ActivityBatchDocument>.Filter;

    public async Task<ActivityBatch> AppendAsync(string conversationId, string? clientActivityId, IReadOnlyList<string> activities, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(activities);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            if (clientActivityId is not null)
            {
                var earlier = await storage.Activities
                    .Find(ByClientActivityId(conversationId, clientActivityId))
                    .FirstOrDefaultAsync(cancellationToken)
                    .ConfigureAwait(false);
                if (earlier is not null)
                {
                    return earlier.ToBatch();
                }
            }

            var last = await storage.Activities
                .Find(Filter.Eq(d => d.ConversationId, conversationId))
                .Sort(LastFirst)
                .Limit(1)
                .FirstOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
            var document = new ActivityBatchDocument(
                MongoDB.Bson.ObjectId.GenerateNewId(),
                conversationId,
                (last?.Sequence ?? 0) + 1,
                clientActivityId,
                [.. activities],
                at,
                storage.ExpiresAt(storage.Options.ActivityRetention),
                activities.Sum(a => (long)Encoding.UTF8.GetByteCount(a)));
            try
            {
                await storage.Activities.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.ToBatch();
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex) && attempt < MaxAttempts)
            {
                // Another append took the number, or the same post was stored meanwhile: look again.
            }
        }
    }

    public async Task<IReadOnlyList<ActivityBatch>> ListAfterAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var take = MongoLimits.Clamp(limit);
        if (take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.Activities
            .Find(AfterFilter(conversationId, afterSequence))
            .Sort(InOrder)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.ToBatch());
    }

    /// <remarks>
    /// Three reads and a delete, no transaction: conversations with a batch before the cutoff, less
    /// those with a batch since, then their batches before the cutoff. A batch appended meanwhile is
    /// after the cutoff and stays.
    /// </remarks>
    public async Task<int> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var old = await (await storage.Activities
                .DistinctAsync(d => d.ConversationId, Filter.Lt(d => d.At, cutoff), cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var deleted = 0;
        foreach (var chunk in old.Chunk(MaxDeletedConversationsPerCall))
        {
            var active = await (await storage.Activities
                    .DistinctAsync(d => d.ConversationId, Filter.In(d => d.ConversationId, chunk) & Filter.Gte(d => d.At, cutoff), cancellationToken: cancellationToken)
                    .ConfigureAwait(false))
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);
            var idle = chunk.Except(active, StringComparer.Ordinal).ToArray();
            if (idle.Length == 0)
            {
                continue;
            }

            var result = await storage.Activities
                .DeleteManyAsync(IdleFilter(idle, cutoff), cancellationToken)
                .ConfigureAwait(false);
            deleted += (int)result.DeletedCount;
        }
        return deleted;
    }

    public async Task<ActivityUsage> UsageAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var totals = await storage.Activities
            .Aggregate()
            .Match(Filter.Eq(d => d.ConversationId, conversationId))
            .Group(new BsonDocument { { "_id", BsonNull.Value }, { "batches", new BsonDocument("$sum", 1) }, { "bytes", new BsonDocument("$sum", "$bytes") } })
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        return totals is null
            ? new ActivityUsage(0, 0)
            : new ActivityUsage(totals["batches"].ToInt64(), totals["bytes"].ToInt64());
    }

    internal static readonly SortDefinition<ActivityBatchDocument> InOrder = Builders<ActivityBatchDocument>.Sort.Ascending(d => d.Sequence);

    internal static readonly SortDefinition<ActivityBatchDocument> LastFirst = Builders<ActivityBatchDocument>.Sort.Descending(d => d.Sequence);

    internal static FilterDefinition<ActivityBatchDocument> ByClientActivityId(string conversationId, string clientActivityId) =>
        Filter.Eq(d => d.ConversationId, conversationId) & Filter.Eq(d => d.ClientActivityId, clientActivityId);

    internal static FilterDefinition<ActivityBatchDocument> AfterFilter(string conversationId, long afterSequence) =>
        Filter.Eq(d => d.ConversationId, conversationId) & Filter.Gt(d => d.Sequence, afterSequence);

    internal static FilterDefinition<ActivityBatchDocument> IdleFilter(IEnumerable<string> conversationIds, DateTimeOffset cutoff) =>
        Filter.In(d => d.ConversationId, conversationIds) & Filter.Lt(d => d.At, cutoff);
}
