using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// The outbound text queue in MongoDB. Senders lease a text by claiming it with one
/// <c>findAndModify</c>, which MongoDB applies to one document atomically, so two hosts never take
/// the same text; a sending text's <see cref="OutboxMessage.NextAttemptAt"/> is when its lease ends.
/// </summary>
public sealed class MongoOutboxStore(MongoStorage storage) : IOutboxStore
{
    private static readonly FilterDefinitionBuilder<OutboxMessage> Filter = Builders<OutboxMessage>.Filter;
    private static readonly UpdateDefinitionBuilder<OutboxMessage> Update = Builders<OutboxMessage>.Update;

    public async Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.Outbox.InsertOneAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            // The same idempotency key, or the same id, is there already: the first one stands.
            return false;
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListForRecipientAsync(string to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        var take = MongoLimits.Clamp(limit);
        if (take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Outbox
            .Find(Filter.Eq(m => m.To, to))
            .Sort(NewestFirst)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<OutboxMessage?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Outbox
            .FindOneAndUpdateAsync(DueFilter(now), ClaimUpdate(now, lease), ClaimOptions, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task UpdateAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        await storage.Outbox.UpdateOneAsync(Filter.Eq(m => m.Id, message.Id), OutcomeUpdate(message), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    internal static readonly SortDefinition<OutboxMessage> NewestFirst =
        Builders<OutboxMessage>.Sort.Descending(m => m.CreatedAt).Descending(m => m.Id);

    internal static readonly FindOneAndUpdateOptions<OutboxMessage> ClaimOptions = new()
    {
        Sort = Builders<OutboxMessage>.Sort.Ascending(m => m.CreatedAt).Ascending(m => m.Id),
        ReturnDocument = ReturnDocument.After,
    };

    /// <summary>Pending and due, or sending with its lease run out.</summary>
    internal static FilterDefinition<OutboxMessage> DueFilter(DateTimeOffset now) =>
        Filter.In(m => m.Status, [OutboxStatus.Pending, OutboxStatus.Sending]) & Filter.Lte(m => m.NextAttemptAt, now);

    internal static UpdateDefinition<OutboxMessage> ClaimUpdate(DateTimeOffset now, TimeSpan lease) =>
        Update.Set(m => m.Status, OutboxStatus.Sending).Set(m => m.NextAttemptAt, now + lease);

    /// <summary>The outcome of a send only: who it goes to and what it says never change.</summary>
    internal static UpdateDefinition<OutboxMessage> OutcomeUpdate(OutboxMessage message) =>
        Update
            .Set(m => m.Status, message.Status)
            .Set(m => m.Attempts, message.Attempts)
            .Set(m => m.NextAttemptAt, message.NextAttemptAt)
            .Set(m => m.ProviderMessageId, message.ProviderMessageId)
            .Set(m => m.Error, message.Error)
            .Set(m => m.Body, message.Body);
}
