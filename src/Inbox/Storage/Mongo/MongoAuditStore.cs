using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// The audit trail in MongoDB. The service only inserts and reads here; making it append-only against
/// everyone else is the database's job (a role with insert and find only, see docs/deployment.md).
/// </summary>
public sealed class MongoAuditStore(MongoStorage storage) : IAuditStore
{
    private static readonly FilterDefinitionBuilder<AuditDocument> Filter = Builders<AuditDocument>.Filter;

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        await storage.Audit.InsertOneAsync(AuditDocument.From(entry), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <remarks><see cref="AuditQuery.From"/> is inclusive, <see cref="AuditQuery.To"/> exclusive.</remarks>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var take = MongoLimits.Clamp(query.Limit);
        if (take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.Audit
            .Find(QueryFilter(query))
            .Sort(OldestFirst)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.ToEntry());
    }

    internal static readonly SortDefinition<AuditDocument> OldestFirst =
        Builders<AuditDocument>.Sort.Ascending(d => d.At).Ascending(d => d.Id);

    internal static FilterDefinition<AuditDocument> QueryFilter(AuditQuery query)
    {
        var clauses = new List<FilterDefinition<AuditDocument>>();
        if (query.ServiceId is { } serviceId)
        {
            clauses.Add(Filter.Eq(d => d.ServiceId, serviceId));
        }
        if (query.ReferenceId is { } referenceId)
        {
            clauses.Add(Filter.Eq(d => d.ReferenceId, referenceId));
        }
        if (query.Actor is { } actor)
        {
            clauses.Add(Filter.Eq(d => d.Actor, actor));
        }
        if (query.From is { } from)
        {
            clauses.Add(Filter.Gte(d => d.At, from));
        }
        if (query.To is { } to)
        {
            clauses.Add(Filter.Lt(d => d.At, to));
        }
        return clauses.Count == 0 ? Filter.Empty : Filter.And(clauses);
    }
}
