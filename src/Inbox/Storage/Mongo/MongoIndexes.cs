using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Every index the stores rely on, by collection. Each has a fixed name and definition, so creating them
/// again (every start, every host) does nothing. TTL indexes expire on an <c>expiresAt</c> time written
/// with the record, so changing a retention setting never changes an index definition.
/// </summary>
internal static class MongoIndexes
{
    public static async Task<int> CreateAllAsync(MongoStorage storage, CancellationToken cancellationToken)
    {
        var count = 0;
        count += await CreateAsync(storage.Conversations, Conversations, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.Requests, Requests, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.Outbox, Outbox, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.Audit, Audit, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.UsageCounters, UsageCounters, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.Activities, Activities, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.StaffAccounts, StaffAccounts, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.SentLinks, SentLinks, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.Messages, Messages, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.WebhookDeliveries, WebhookDeliveries, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.AppliedInputs, AppliedInputs, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.RateCounters, RateCounters, cancellationToken).ConfigureAwait(false);
        count += await CreateAsync(storage.RateBackoffs, RateBackoffs, cancellationToken).ConfigureAwait(false);
        await FillUrgencyAsync(storage.Requests, cancellationToken).ConfigureAwait(false);
        // Audit lines a stopped writer left on their requests (MongoRequestStore.TryUpdateAsync with a line).
        await MongoRequestStore.MovePendingAuditAsync(storage, cancellationToken).ConfigureAwait(false);
        await MongoStaffAccountStore.MovePendingAuditAsync(storage, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Gives requests stored before the urgency was kept their urgency from their red flags, so the urgency
    /// sort never puts an old emergency last. Does nothing once every document has one.
    /// </summary>
    internal static async Task FillUrgencyAsync(IMongoCollection<RequestDocument> requests, CancellationToken cancellationToken)
    {
        var filter = Builders<RequestDocument>.Filter;
        var missing = filter.Exists(d => d.Search.Urgency, exists: false);
        var steps = new (FilterDefinition<RequestDocument> Which, Urgency Urgency)[]
        {
            (filter.ElemMatch(d => d.Request.RedFlags, f => f.Severity == Triage.EmergencySeverity), Urgency.Emergency),
            (filter.ElemMatch(d => d.Request.RedFlags, f => f.Severity == Triage.UrgentSeverity), Urgency.Urgent),
            (filter.Empty, Urgency.None),
        };
        foreach (var (which, urgency) in steps)
        {
            await requests.UpdateManyAsync(missing & which, Builders<RequestDocument>.Update.Set(d => d.Search.Urgency, (int)urgency), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Idle listing, and a TTL backstop behind the service's own purge.</summary>
    public static readonly IReadOnlyList<CreateIndexModel<ConversationDocument>> Conversations =
    [
        new(Builders<ConversationDocument>.IndexKeys.Ascending(d => d.UpdatedAt), new CreateIndexOptions { Name = "updatedAt" }),
        new(Builders<ConversationDocument>.IndexKeys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>
    /// The reference ID is <c>_id</c>, unique by MongoDB's own index. No TTL here: nothing given a
    /// reference ID is ever removed by the store.
    /// </summary>
    public static readonly IReadOnlyList<CreateIndexModel<RequestDocument>> Requests =
    [
        // The inbox list: a service's requests in a status, newest first.
        new(Builders<RequestDocument>.IndexKeys
                .Ascending(d => d.Request.ServiceId)
                .Ascending(d => d.Request.Status)
                .Descending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "serviceId_status_createdAt" }),
        // The list without a status filter, and the daily capacity count.
        new(Builders<RequestDocument>.IndexKeys.Ascending(d => d.Request.ServiceId).Descending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "serviceId_createdAt" }),
        new(Builders<RequestDocument>.IndexKeys.Ascending(d => d.Search.ReferenceKey), new CreateIndexOptions { Name = "referenceKey" }),
        // The urgency sort: a service's emergencies, then urgent requests, oldest first within each.
        new(Builders<RequestDocument>.IndexKeys
                .Ascending(d => d.Request.ServiceId)
                .Descending(d => d.Search.Urgency)
                .Ascending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "serviceId_urgency_createdAt" }),
        // The queues: a service's requests assigned to one person, or to nobody.
        new(Builders<RequestDocument>.IndexKeys
                .Ascending(d => d.Request.ServiceId)
                .Ascending(d => d.Request.AssignedTo)
                .Descending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "serviceId_assignedTo_createdAt" }),
        // The start's sweep of audit lines left on requests: only those few documents are in it.
        new(Builders<RequestDocument>.IndexKeys.Ascending(d => d.PendingAudit),
            new CreateIndexOptions<RequestDocument>
            {
                Name = "pendingAudit",
                PartialFilterExpression = Builders<RequestDocument>.Filter.Exists(d => d.PendingAudit),
            }),
        // Background re-matching.
        new(Builders<RequestDocument>.IndexKeys
                .Ascending(d => d.Request.Match.Status)
                .Ascending(d => d.Request.Match.Reason)
                .Ascending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "matchStatus_matchReason_createdAt" }),
        // A text from a number after submission: the service's latest request with that contact number.
        new(Builders<RequestDocument>.IndexKeys
                .Ascending(d => d.Request.ServiceId)
                .Ascending(d => d.Request.Contact.Phone)
                .Descending(d => d.Request.CreatedAt),
            new CreateIndexOptions { Name = "serviceId_contactPhone_createdAt" }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<OutboxMessage>> Outbox =
    [
        // Claiming: what is pending or sending and due.
        new(Builders<OutboxMessage>.IndexKeys.Ascending(m => m.Status).Ascending(m => m.NextAttemptAt), new CreateIndexOptions { Name = "status_nextAttemptAt" }),
        new(Builders<OutboxMessage>.IndexKeys.Ascending(m => m.To).Descending(m => m.CreatedAt), new CreateIndexOptions { Name = "to_createdAt" }),
        // Unique among texts that have a key; any number of texts may have none.
        new(Builders<OutboxMessage>.IndexKeys.Ascending(m => m.IdempotencyKey),
            new CreateIndexOptions<OutboxMessage>
            {
                Name = "idempotencyKey_unique",
                Unique = true,
                PartialFilterExpression = Builders<OutboxMessage>.Filter.Type(m => m.IdempotencyKey, BsonType.String),
            }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<WebhookDelivery>> WebhookDeliveries =
    [
        // Claiming: what is pending or sending and due.
        new(Builders<WebhookDelivery>.IndexKeys.Ascending(d => d.Status).Ascending(d => d.NextAttemptAt), new CreateIndexOptions { Name = "status_nextAttemptAt" }),
    ];

    /// <summary>The audit trail is kept for ever: no TTL.</summary>
    public static readonly IReadOnlyList<CreateIndexModel<AuditDocument>> Audit =
    [
        new(Builders<AuditDocument>.IndexKeys.Ascending(d => d.At).Ascending(d => d.Id), new CreateIndexOptions { Name = "at" }),
        new(Builders<AuditDocument>.IndexKeys.Ascending(d => d.ReferenceId).Ascending(d => d.At), new CreateIndexOptions { Name = "referenceId_at" }),
        new(Builders<AuditDocument>.IndexKeys.Ascending(d => d.ServiceId).Ascending(d => d.At), new CreateIndexOptions { Name = "serviceId_at" }),
        new(Builders<AuditDocument>.IndexKeys.Ascending(d => d.Actor).Ascending(d => d.At), new CreateIndexOptions { Name = "actor_at" }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<UsageCounterDocument>> UsageCounters =
    [
        new(Builders<UsageCounterDocument>.IndexKeys.Ascending(d => d.ServiceId).Ascending(d => d.Counter).Ascending(d => d.Day),
            new CreateIndexOptions { Name = "serviceId_counter_day_unique", Unique = true }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<ActivityBatchDocument>> Activities =
    [
        // One batch per number in a conversation: two hosts appending at once cannot both take it.
        new(Builders<ActivityBatchDocument>.IndexKeys.Ascending(d => d.ConversationId).Ascending(d => d.Sequence),
            new CreateIndexOptions { Name = "conversationId_sequence_unique", Unique = true }),
        // A retried post (same clientActivityId) is recognised, never stored twice.
        new(Builders<ActivityBatchDocument>.IndexKeys.Ascending(d => d.ConversationId).Ascending(d => d.ClientActivityId),
            new CreateIndexOptions<ActivityBatchDocument>
            {
                Name = "conversationId_clientActivityId_unique",
                Unique = true,
                PartialFilterExpression = Builders<ActivityBatchDocument>.Filter.Type(d => d.ClientActivityId, BsonType.String),
            }),
        new(Builders<ActivityBatchDocument>.IndexKeys.Ascending(d => d.At), new CreateIndexOptions { Name = "at" }),
        new(Builders<ActivityBatchDocument>.IndexKeys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>The purge's oldest-first read, and the TTL backstop behind it.</summary>
    public static readonly IReadOnlyList<CreateIndexModel<AppliedInputDocument>> AppliedInputs =
    [
        new(Builders<AppliedInputDocument>.IndexKeys.Ascending(d => d.AppliedAt), new CreateIndexOptions { Name = "appliedAt" }),
        new(Builders<AppliedInputDocument>.IndexKeys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>A shared limit count goes once its window has passed.</summary>
    public static readonly IReadOnlyList<CreateIndexModel<RateCounterDocument>> RateCounters =
    [
        new(Builders<RateCounterDocument>.IndexKeys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>A backoff goes once its wait and its window have both passed.</summary>
    public static readonly IReadOnlyList<CreateIndexModel<RateBackoffDocument>> RateBackoffs =
    [
        new(Builders<RateBackoffDocument>.IndexKeys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { Name = "expiresAt_ttl", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>The staff of a service (multikey over each account's services).</summary>
    public static readonly IReadOnlyList<CreateIndexModel<StaffAccountDocument>> StaffAccounts =
    [
        new(Builders<StaffAccountDocument>.IndexKeys.Ascending(d => d.Account.ServiceIds), new CreateIndexOptions { Name = "serviceIds" }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<SentLink>> SentLinks =
    [
        // A follow-up link is opened by its token's hash; no two links may share one. General links have
        // none (null), and any number of them may be sent.
        new(Builders<SentLink>.IndexKeys.Ascending(l => l.TokenHash),
            new CreateIndexOptions<SentLink>
            {
                Name = "tokenHash_unique",
                Unique = true,
                PartialFilterExpression = Builders<SentLink>.Filter.Type(l => l.TokenHash, BsonType.String),
            }),
        // The "sent links" list: a service's links, newest first.
        new(Builders<SentLink>.IndexKeys.Ascending(l => l.ServiceId).Descending(l => l.SentAt), new CreateIndexOptions { Name = "serviceId_sentAt" }),
    ];

    public static readonly IReadOnlyList<CreateIndexModel<RequestMessage>> Messages =
    [
        // A request's thread, oldest first.
        new(Builders<RequestMessage>.IndexKeys.Ascending(m => m.ReferenceId).Ascending(m => m.CreatedAt), new CreateIndexOptions { Name = "referenceId_createdAt" }),
        // A retried webhook, callback or send is recognised, never stored twice; messages without a key are any number.
        new(Builders<RequestMessage>.IndexKeys.Ascending(m => m.DedupeKey),
            new CreateIndexOptions<RequestMessage>
            {
                Name = "dedupeKey_unique",
                Unique = true,
                PartialFilterExpression = Builders<RequestMessage>.Filter.Type(m => m.DedupeKey, BsonType.String),
            }),
        // Delivery reports name the text by Twilio's SID.
        new(Builders<RequestMessage>.IndexKeys.Ascending(m => m.ProviderMessageId),
            new CreateIndexOptions<RequestMessage>
            {
                Name = "providerMessageId",
                PartialFilterExpression = Builders<RequestMessage>.Filter.Type(m => m.ProviderMessageId, BsonType.String),
            }),
        // A text from a number after submission: the service's latest staff text to it.
        new(Builders<RequestMessage>.IndexKeys.Ascending(m => m.ServiceId).Ascending(m => m.Phone).Descending(m => m.CreatedAt),
            new CreateIndexOptions<RequestMessage>
            {
                Name = "serviceId_phone_createdAt_staff",
                PartialFilterExpression = Builders<RequestMessage>.Filter.Type(m => m.Author, BsonType.String),
            }),
    ];

    private static async Task<int> CreateAsync<T>(IMongoCollection<T> collection, IReadOnlyList<CreateIndexModel<T>> indexes, CancellationToken cancellationToken)
    {
        await collection.Indexes.CreateManyAsync(indexes, cancellationToken).ConfigureAwait(false);
        return indexes.Count;
    }
}
