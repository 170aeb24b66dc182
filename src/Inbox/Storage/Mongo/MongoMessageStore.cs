using MongoDB.Driver;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Messages on requests in MongoDB: the message itself is the document, <c>_id</c> its id. A unique index over
/// the dedupe key (where there is one) refuses a second copy of a retried message; status changes are one
/// conditional update each, so a late report never undoes a later one.
/// </summary>
public sealed class MongoMessageStore(MongoStorage storage) : IMessageStore
{
    private static readonly FilterDefinitionBuilder<RequestMessage> Filter = Builders<RequestMessage>.Filter;
    private static readonly UpdateDefinitionBuilder<RequestMessage> Update = Builders<RequestMessage>.Update;

    public async Task<AddResult> AddAsync(RequestMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.Messages.InsertOneAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
            return AddResult.Added;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            // The same id, or the same dedupe key, is there already: the first one stands.
            return AddResult.AlreadyExists;
        }
    }

    public Task<RequestMessage?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindOneAsync(ById(id), cancellationToken);

    public Task<RequestMessage?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dedupeKey);
        return FindOneAsync(Filter.Eq(m => m.DedupeKey, dedupeKey), cancellationToken);
    }

    public Task<RequestMessage?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(providerMessageId);
        return FindOneAsync(Filter.Eq(m => m.ProviderMessageId, providerMessageId), cancellationToken);
    }

    public async Task<IReadOnlyList<RequestMessage>> ListForRequestAsync(string referenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Messages
            .Find(ForRequest(referenceId))
            .Sort(OldestFirst)
            .Limit(MongoLimits.Clamp(1000))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<bool> TryUpdateStatusAsync(Guid id, DeliveryStatus status, IReadOnlyCollection<DeliveryStatus> from, DateTimeOffset at, string? providerMessageId, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Count == 0)
        {
            return false;
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var result = await storage.Messages
            .UpdateOneAsync(InStatus(id, from), StatusUpdate(status, at, providerMessageId, error), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    public async Task<int> MarkSeenAsync(string referenceId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var result = await storage.Messages
            .UpdateManyAsync(ForRequest(referenceId) & Unread, Update.Set(m => m.SeenAt, at), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return (int)result.ModifiedCount;
    }

    public async Task<IReadOnlySet<string>> WithUnreadAsync(IReadOnlyCollection<string> referenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceIds);
        var ids = referenceIds.Distinct(StringComparer.Ordinal).Take(1000).ToArray();
        if (ids.Length == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        using var cursor = await storage.Messages
            .DistinctAsync(m => m.ReferenceId, Filter.In(m => m.ReferenceId, ids) & Unread, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new HashSet<string>(await cursor.ToListAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
    }

    public async Task<RequestMessage?> LatestStaffTextAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(phone);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Messages
            .Find(StaffTextsSince(serviceId, phone, since))
            .Sort(Builders<RequestMessage>.Sort.Descending(m => m.CreatedAt))
            .Limit(1)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    internal static readonly SortDefinition<RequestMessage> OldestFirst =
        Builders<RequestMessage>.Sort.Ascending(m => m.CreatedAt).Ascending(m => m.Id);

    internal static readonly FilterDefinition<RequestMessage> Unread =
        Filter.Eq(m => m.Direction, MessageDirection.In) & Filter.Eq(m => m.SeenAt, null);

    internal static FilterDefinition<RequestMessage> ById(Guid id) => Filter.Eq(m => m.Id, id);

    internal static FilterDefinition<RequestMessage> ForRequest(string referenceId) => Filter.Eq(m => m.ReferenceId, referenceId);

    internal static FilterDefinition<RequestMessage> InStatus(Guid id, IEnumerable<DeliveryStatus> from) =>
        ById(id) & Filter.In(m => m.Status, from.Select(s => (DeliveryStatus?)s));

    internal static FilterDefinition<RequestMessage> StaffTextsSince(string serviceId, string phone, DateTimeOffset since) =>
        Filter.Eq(m => m.ServiceId, serviceId)
        & Filter.Eq(m => m.Phone, phone)
        & Filter.Eq(m => m.Direction, MessageDirection.Out)
        & Filter.Ne(m => m.Author, null)
        & Filter.Gte(m => m.CreatedAt, since);

    internal static UpdateDefinition<RequestMessage> StatusUpdate(DeliveryStatus status, DateTimeOffset at, string? providerMessageId, string? error)
    {
        var update = Update.Set(m => m.Status, status).Set(m => m.StatusAt, at);
        if (providerMessageId is not null)
        {
            update = update.Set(m => m.ProviderMessageId, providerMessageId);
        }

        if (error is not null)
        {
            update = update.Set(m => m.Error, error);
        }

        return update;
    }

    private async Task<RequestMessage?> FindOneAsync(FilterDefinition<RequestMessage> filter, CancellationToken cancellationToken)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Messages.Find(filter).Sort(OldestFirst).Limit(1).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }
}
