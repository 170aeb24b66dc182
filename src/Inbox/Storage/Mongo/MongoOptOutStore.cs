using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>STOP and START per phone number in MongoDB, one document per number.</summary>
public sealed class MongoOptOutStore(MongoStorage storage) : IOptOutStore
{
    private static readonly FilterDefinitionBuilder<OptOutDocument> Filter = Builders<OptOutDocument>.Filter;

    /// <remarks>
    /// The later of two changes wins by <paramref name="at"/>, not by arrival: a START delivered after a
    /// newer STOP (webhooks can arrive out of order) must not opt the number back in. The write applies
    /// only over an older (or equally old) change; with none stored, the upsert creates the document, and
    /// when a newer one is there the upsert's insert is refused by <c>_id</c>, which leaves it as it is.
    /// </remarks>
    public async Task SetAsync(string phone, bool optedOut, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.OptOuts.UpdateOneAsync(NotNewerThan(phone, at), SetUpdate(optedOut, at), new UpdateOptions { IsUpsert = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            // Either a newer change is stored (then this changes nothing), or another first change of
            // this number was inserted meanwhile: apply over it if it is older.
            await storage.OptOuts.UpdateOneAsync(NotNewerThan(phone, at), SetUpdate(optedOut, at), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> IsOptedOutAsync(string phone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.OptOuts.Find(Filter.Eq(d => d.Id, phone)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.OptedOut ?? false;
    }

    internal static FilterDefinition<OptOutDocument> NotNewerThan(string phone, DateTimeOffset at) =>
        Filter.Eq(d => d.Id, phone) & Filter.Lte(d => d.UpdatedAt, at);

    internal static UpdateDefinition<OptOutDocument> SetUpdate(bool optedOut, DateTimeOffset at) =>
        Builders<OptOutDocument>.Update.Set(d => d.OptedOut, optedOut).Set(d => d.UpdatedAt, at);
}
