using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// The FHIR webhook's queue in MongoDB: claimed with one <c>findAndModify</c> per delivery, as the outbox is, so two
/// hosts never post the same request at once; a sending delivery's <see cref="WebhookDelivery.NextAttemptAt"/> is when its lease ends.
/// </summary>
public sealed class MongoWebhookStore(MongoStorage storage) : IWebhookStore
{
    private static readonly FilterDefinitionBuilder<WebhookDelivery> Filter = Builders<WebhookDelivery>.Filter;
    private static readonly UpdateDefinitionBuilder<WebhookDelivery> Update = Builders<WebhookDelivery>.Update;

    private static readonly FindOneAndUpdateOptions<WebhookDelivery> ClaimOptions = new()
    {
        Sort = Builders<WebhookDelivery>.Sort.Ascending(d => d.NextAttemptAt).Ascending(d => d.CreatedAt).Ascending(d => d.Id),
        ReturnDocument = ReturnDocument.After,
    };

    public async Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.WebhookDeliveries.InsertOneAsync(delivery, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return false;
        }
    }

    public async Task<WebhookDelivery?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.WebhookDeliveries.Find(Filter.Eq(d => d.Id, id)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookDelivery?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var due = Filter.In(d => d.Status, [WebhookStatus.Pending, WebhookStatus.Sending]) & Filter.Lte(d => d.NextAttemptAt, now);
        var claim = Update.Set(d => d.Status, WebhookStatus.Sending).Set(d => d.NextAttemptAt, now + lease);
        return await storage.WebhookDeliveries.FindOneAndUpdateAsync(due, claim, ClaimOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var outcome = Update
            .Set(d => d.Status, delivery.Status)
            .Set(d => d.Attempts, delivery.Attempts)
            .Set(d => d.NextAttemptAt, delivery.NextAttemptAt)
            .Set(d => d.DeliveredAt, delivery.DeliveredAt)
            .Set(d => d.Error, delivery.Error);
        await storage.WebhookDeliveries.UpdateOneAsync(Filter.Eq(d => d.Id, delivery.Id), outcome, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
