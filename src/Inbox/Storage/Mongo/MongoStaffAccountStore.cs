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

    public Task<AddResult> AddAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return InsertAsync(account, null, cancellationToken);
    }

    /// <remarks>The line goes in with the account (one document, one write), then into <c>audit</c>, as for a change.</remarks>
    public Task<AddResult> AddAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(audit);
        return InsertAsync(account, AuditDocument.From(audit), cancellationToken);
    }

    public async Task<StaffAccount?> GetAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.StaffAccounts.Find(ByEmail(email) & NotRemoved).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.Account;
    }

    public Task<bool> TryUpdateAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return ReplaceAsync(account, null, cancellationToken);
    }

    /// <remarks>
    /// The line is written into the account's own document with the change (one document, one atomic write), then
    /// copied into <c>audit</c> under its own id and taken off the document. A writer that stops in between leaves the
    /// line on the document: the next write of that account, and every start (<see cref="MovePendingAuditAsync"/>),
    /// copies it first, and a second copy of the same id is refused by <c>audit</c>'s <c>_id</c>, so none is lost or doubled.
    /// </remarks>
    public Task<bool> TryUpdateAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(audit);
        return ReplaceAsync(account, AuditDocument.From(audit), cancellationToken);
    }

    public async Task<bool> RemoveAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        await SettleAsync(email, cancellationToken).ConfigureAwait(false);
        var result = await storage.StaffAccounts.DeleteOneAsync(ByEmail(email) & NotRemoved, cancellationToken).ConfigureAwait(false);
        return result.DeletedCount == 1;
    }

    /// <remarks>
    /// One write marks the account removed and carries the line (from then on it reads as no account); the line is
    /// copied into <c>audit</c>, then the document deleted. A writer that stops in between leaves the marked document,
    /// finished by the next write of that email or the next start.
    /// </remarks>
    public async Task<bool> RemoveAsync(string email, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(audit);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        await SettleAsync(email, cancellationToken).ConfigureAwait(false);
        var line = AuditDocument.From(audit);
        var marked = await storage.StaffAccounts.FindOneAndUpdateAsync(
            ByEmail(email) & NotRemoved & Filter.Exists(d => d.PendingAudit, false),
            Builders<StaffAccountDocument>.Update.Set(d => d.Removed, true).Set(d => d.PendingAudit, [line]),
            new FindOneAndUpdateOptions<StaffAccountDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken).ConfigureAwait(false);
        if (marked is null)
        {
            return false;
        }

        await MoveAsync(storage, marked, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<StaffAccount>> ListForServiceAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.StaffAccounts
            .Find(ForService(serviceId) & NotRemoved)
            .Sort(ByEmailOrder)
            .Limit(MaxListed)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.Account);
    }

    /// <summary>Copies the audit lines left on accounts by writers that stopped before copying them, and finishes removals; returns how many lines.</summary>
    internal static async Task<int> MovePendingAuditAsync(MongoStorage storage, CancellationToken cancellationToken)
    {
        var moved = 0;
        // Staff accounts are few (one per member of staff): this start-up read needs no index of its own.
        var left = await storage.StaffAccounts.Find(Filter.Exists(d => d.PendingAudit)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var document in left)
        {
            moved += await MoveAsync(storage, document, cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

    private async Task<AddResult> InsertAsync(StaffAccount account, AuditDocument? line, CancellationToken cancellationToken)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = StaffAccountDocument.From(account) with { PendingAudit = line is null ? null : [line] };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await storage.StaffAccounts.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (line is not null)
                {
                    await MoveAsync(storage, document, cancellationToken).ConfigureAwait(false);
                }

                return AddResult.Added;
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
            {
                // A removal a stopped writer left half done holds the email: finish it, then add once more.
                if (!await SettleAsync(account.Email, cancellationToken).ConfigureAwait(false))
                {
                    return AddResult.AlreadyExists;
                }
            }
        }

        return AddResult.AlreadyExists;
    }

    private async Task<bool> ReplaceAsync(StaffAccount account, AuditDocument? line, CancellationToken cancellationToken)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = StaffAccountDocument.From(account) with { PendingAudit = line is null ? null : [line] };
        // One conditional write: a line still pending from an earlier change is copied before the document is replaced, so it is never overwritten.
        var filter = AtVersion(account.Email, account.Version - 1) & NotRemoved & Filter.Exists(d => d.PendingAudit, false);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await storage.StaffAccounts.ReplaceOneAsync(filter, document, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.MatchedCount == 1)
            {
                if (line is not null)
                {
                    await MoveAsync(storage, document, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }

            if (!await SettleAsync(account.Email, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Finishes what a stopped writer left on this email's document; true when there was something.</summary>
    private async Task<bool> SettleAsync(string email, CancellationToken cancellationToken)
    {
        var left = await storage.StaffAccounts.Find(ByEmail(email) & Filter.Exists(d => d.PendingAudit)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (left is null)
        {
            return false;
        }

        await MoveAsync(storage, left, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies the document's lines into <c>audit</c> (a line already there is left as it is), then takes them off it, or deletes a removed account.</summary>
    private static async Task<int> MoveAsync(MongoStorage storage, StaffAccountDocument document, CancellationToken cancellationToken)
    {
        var copied = await MongoRequestStore.CopyToAuditAsync(storage, document.PendingAudit ?? [], cancellationToken).ConfigureAwait(false);

        // Only at the version the lines came with: a newer change's own line stays for its writer.
        var here = AtVersion(document.Id, document.Account.Version) & Filter.Exists(d => d.PendingAudit);
        if (document.Removed == true)
        {
            await storage.StaffAccounts.DeleteOneAsync(here, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await storage.StaffAccounts.UpdateOneAsync(here, Builders<StaffAccountDocument>.Update.Unset(d => d.PendingAudit), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return copied;
    }

    private static readonly FilterDefinition<StaffAccountDocument> NotRemoved = Filter.Exists(d => d.Removed, false);

    internal static readonly SortDefinition<StaffAccountDocument> ByEmailOrder = Builders<StaffAccountDocument>.Sort.Ascending(d => d.Id);

    internal static FilterDefinition<StaffAccountDocument> ByEmail(string email) => Filter.Eq(d => d.Id, StaffAccountDocument.Key(email));

    internal static FilterDefinition<StaffAccountDocument> AtVersion(string email, long version) =>
        ByEmail(email) & Filter.Eq(d => d.Account.Version, version);

    /// <summary>The whole service id as one item of the account's list, never a part of one.</summary>
    internal static FilterDefinition<StaffAccountDocument> ForService(string serviceId) => Filter.AnyEq(d => d.Account.ServiceIds, serviceId);
}
