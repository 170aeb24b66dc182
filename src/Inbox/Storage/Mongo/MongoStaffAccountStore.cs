using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Staff accounts in MongoDB, one document each, <c>_id</c> the lower-cased email (so MongoDB's unique
/// <c>_id</c> refuses a second account with the same email in another case), with optimistic
/// concurrency on the account's version.
/// </summary>
public sealed class MongoStaffAccountStore(MongoStorage storage) : IStaffAccountStore
{
    private const int MaxListed = 1000;
    private static readonly FilterDefinitionBuilder<StaffAccountDocument> Filter = Builders<StaffAccountDocument>.Filter;

    public async Task<AddResult> AddAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.StaffAccounts.InsertOneAsync(StaffAccountDocument.From(account), cancellationToken: cancellationToken).ConfigureAwait(false);
            return AddResult.Added;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return AddResult.AlreadyExists;
        }
    }

    public async Task<StaffAccount?> GetAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.StaffAccounts.Find(ByEmail(email)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.Account;
    }

    public async Task<bool> TryUpdateAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var result = await storage.StaffAccounts
            .ReplaceOneAsync(AtVersion(account.Email, account.Version - 1), StaffAccountDocument.From(account), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    public async Task<bool> RemoveAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var result = await storage.StaffAccounts.DeleteOneAsync(ByEmail(email), cancellationToken).ConfigureAwait(false);
        return result.DeletedCount == 1;
    }

    public async Task<IReadOnlyList<StaffAccount>> ListForServiceAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.StaffAccounts
            .Find(ForService(serviceId))
            .Sort(ByEmailOrder)
            .Limit(MaxListed)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.Account);
    }

    internal static readonly SortDefinition<StaffAccountDocument> ByEmailOrder = Builders<StaffAccountDocument>.Sort.Ascending(d => d.Id);

    internal static FilterDefinition<StaffAccountDocument> ByEmail(string email) => Filter.Eq(d => d.Id, StaffAccountDocument.Key(email));

    internal static FilterDefinition<StaffAccountDocument> AtVersion(string email, long version) =>
        ByEmail(email) & Filter.Eq(d => d.Account.Version, version);

    /// <summary>The whole service id as one item of the account's list, never a part of one.</summary>
    internal static FilterDefinition<StaffAccountDocument> ForService(string serviceId) => Filter.AnyEq(d => d.Account.ServiceIds, serviceId);
}
