using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Submitted requests in MongoDB, one document each, <c>_id</c> the reference ID. Every write waits for a
/// majority of the replica set and their journals (<see cref="MongoStorage.SubmissionWriteConcern"/>):
/// an add that returns has been stored durably, and one that could not be throws rather than pretend.
/// </summary>
public sealed class MongoRequestStore(MongoStorage storage) : IRequestStore
{
    public const int MaxPageSize = 100;
    private const int MaxSearchTerms = 5;

    private static readonly FilterDefinitionBuilder<RequestDocument> Filter = Builders<RequestDocument>.Filter;

    public async Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // An insert, never an upsert: a retried submission must not overwrite what staff may be working on.
            await storage.Requests.InsertOneAsync(RequestDocument.From(request), cancellationToken: cancellationToken).ConfigureAwait(false);
            return AddResult.Added;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return AddResult.AlreadyExists;
        }
    }

    public async Task<ContactRequest?> GetAsync(string referenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.Requests.Find(ByReferenceId(referenceId)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.Request;
    }

    /// <remarks>
    /// The total and the page are two reads, not one snapshot: a request submitted between them can make
    /// the total one more than the pages hold, which the next refresh puts right.
    /// </remarks>
    public async Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var filter = ListFilter(query);
        if (filter is null)
        {
            return new RequestPage([], 0, page, pageSize);
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var total = await storage.Requests.CountDocumentsAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false);
        var skip = (long)(page - 1) * pageSize;
        if (skip >= total)
        {
            return new RequestPage([], total, page, pageSize);
        }

        var documents = await storage.Requests
            .Find(filter)
            .Sort(SortOf(query.Sort))
            .Skip((int)skip)
            .Limit(pageSize)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return new RequestPage(documents.ConvertAll(d => d.Request), total, page, pageSize);
    }

    public Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReplaceAsync(request, null, cancellationToken);
    }

    /// <remarks>
    /// The line is written into the request's own document with the change (one document, one atomic write), then
    /// copied into <c>audit</c> under its own id and taken off the document. A writer that stops in between leaves the
    /// line on the document: the next change of that request, and every start (<see cref="MovePendingAuditAsync"/>),
    /// copies it first, and a second copy of the same id is refused by <c>audit</c>'s <c>_id</c>, so none is lost or doubled.
    /// </remarks>
    public Task<bool> TryUpdateAsync(ContactRequest request, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audit);
        return ReplaceAsync(request, AuditDocument.From(audit), cancellationToken);
    }

    /// <summary>Copies the audit lines left on requests by writers that stopped before copying them; returns how many.</summary>
    internal static async Task<int> MovePendingAuditAsync(MongoStorage storage, CancellationToken cancellationToken)
    {
        var moved = 0;
        var left = await storage.Requests.Find(Filter.Exists(d => d.PendingAudit)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var document in left)
        {
            moved += await MoveAsync(storage, document.Id, document.Request.Version, document.PendingAudit ?? [], cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

    private async Task<bool> ReplaceAsync(ContactRequest request, AuditDocument? line, CancellationToken cancellationToken)
    {
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = RequestDocument.From(request) with { PendingAudit = line is null ? null : [line] };
        // One conditional write: the version check and the replacement cannot be split by another writer. A line
        // still pending from an earlier change is copied before the document is replaced, so it is never overwritten.
        var filter = AtVersion(request.ReferenceId, request.Version - 1) & Filter.Exists(d => d.PendingAudit, false);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await storage.Requests.ReplaceOneAsync(filter, document, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.MatchedCount == 1)
            {
                if (line is not null)
                {
                    await MoveAsync(storage, request.ReferenceId, request.Version, [line], cancellationToken).ConfigureAwait(false);
                }

                return true;
            }

            var stored = await storage.Requests.Find(AtVersion(request.ReferenceId, request.Version - 1)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (stored?.PendingAudit is not { } pending)
            {
                return false;
            }

            await MoveAsync(storage, stored.Id, stored.Request.Version, pending, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Copies audit lines left on a document into <c>audit</c> under their own ids; a line already there (copied before, by this writer or another) is left as it is. Returns how many were new.</summary>
    internal static async Task<int> CopyToAuditAsync(MongoStorage storage, IReadOnlyList<AuditDocument> lines, CancellationToken cancellationToken)
    {
        var copied = 0;
        foreach (var line in lines)
        {
            try
            {
                await storage.Audit.InsertOneAsync(line, cancellationToken: cancellationToken).ConfigureAwait(false);
                copied++;
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
            {
                // Copied before, by this writer's earlier try or by another: once is enough.
            }
        }

        return copied;
    }

    /// <summary>Copies lines into <c>audit</c> (a line already there is left as it is), then takes them off the request.</summary>
    private static async Task<int> MoveAsync(MongoStorage storage, string referenceId, long version, IReadOnlyList<AuditDocument> lines, CancellationToken cancellationToken)
    {
        var copied = await CopyToAuditAsync(storage, lines, cancellationToken).ConfigureAwait(false);

        // Taken off only at the version they came with: a newer change's own line stays for its writer.
        await storage.Requests.UpdateOneAsync(
            AtVersion(referenceId, version),
            Builders<RequestDocument>.Update.Unset(d => d.PendingAudit),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return copied;
    }

    public async Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await storage.Requests.CountDocumentsAsync(SinceFilter(serviceId, since), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(phone);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.Requests
            .Find(ForPhoneSince(serviceId, phone, since))
            .Sort(NewestFirst)
            .Limit(1)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        return document?.Request;
    }

    public async Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(MatchReason reason, int limit, CancellationToken cancellationToken = default)
    {
        var take = MongoLimits.Clamp(limit);
        if (take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.Requests
            .Find(UnmatchedFilter(reason))
            .Sort(OldestFirst)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.Request);
    }

    public async Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var ids = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        // Only these fields leave the server: never the patient's details.
        var rows = await storage.Requests
            .Find(FactsFilter(ids, from, to))
            .Sort(OldestFirst)
            .Project(FactsProjection)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.ConvertAll(ReadFacts);
    }

    private static readonly ProjectionDefinition<RequestDocument, BsonDocument> FactsProjection = Builders<RequestDocument>.Projection
        .Include(d => d.Request.ServiceId)
        .Include(d => d.Request.CreatedAt)
        .Include(d => d.Request.Channel)
        .Include(d => d.Request.RequestTypeId)
        .Include(d => d.Request.RequestType)
        .Include(d => d.Request.Match.Status)
        .Include(d => d.Request.Match.Reason)
        .Include(d => d.Request.FirstActionAt)
        .Include(d => d.Search.Urgency);

    private static RequestFacts ReadFacts(BsonDocument row)
    {
        var request = row["request"].AsBsonDocument;
        var match = request["match"].AsBsonDocument;
        var search = row.GetValue("search", new BsonDocument()).AsBsonDocument;
        return new RequestFacts(
            request["serviceId"].AsString,
            Moment(request["createdAt"]),
            Enum.Parse<Channel>(request["channel"].AsString),
            request["requestTypeId"].AsString,
            request["requestType"].AsString,
            Enum.Parse<MatchStatus>(match["status"].AsString) == MatchStatus.Matched,
            match.GetValue("reason", BsonNull.Value) is BsonString reason ? StoredNames<MatchReason>.Read(reason.AsString) : null,
            (Urgency)search.GetValue("urgency", 0).ToInt32(),
            request.GetValue("firstActionAt", BsonNull.Value) is BsonDateTime acted ? Moment(acted) : null);
    }

    private static DateTimeOffset Moment(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);

    internal static FilterDefinition<RequestDocument> FactsFilter(string[] serviceIds, DateTimeOffset from, DateTimeOffset to) =>
        Filter.In(d => d.Request.ServiceId, serviceIds) & Filter.Gte(d => d.Request.CreatedAt, from) & Filter.Lt(d => d.Request.CreatedAt, to);

    internal static SortDefinition<RequestDocument> SortOf(RequestSort sort) => sort switch
    {
        RequestSort.Urgency => MostUrgentFirst,
        RequestSort.Waiting => LongestWaitingFirst,
        _ => NewestFirst,
    };

    internal static readonly SortDefinition<RequestDocument> MostUrgentFirst =
        Builders<RequestDocument>.Sort.Descending(d => d.Search.Urgency).Ascending(d => d.Request.CreatedAt).Ascending(d => d.Id);

    /// <summary>A missing or null first action sorts before any time: the requests nobody has acted on come first.</summary>
    internal static readonly SortDefinition<RequestDocument> LongestWaitingFirst =
        Builders<RequestDocument>.Sort.Ascending(d => d.Request.FirstActionAt).Ascending(d => d.Request.CreatedAt).Ascending(d => d.Id);

    internal static readonly SortDefinition<RequestDocument> NewestFirst =
        Builders<RequestDocument>.Sort.Descending(d => d.Request.CreatedAt).Ascending(d => d.Id);

    internal static readonly SortDefinition<RequestDocument> OldestFirst =
        Builders<RequestDocument>.Sort.Ascending(d => d.Request.CreatedAt).Ascending(d => d.Id);

    internal static FilterDefinition<RequestDocument> ByReferenceId(string referenceId) => Filter.Eq(d => d.Id, referenceId);

    internal static FilterDefinition<RequestDocument> AtVersion(string referenceId, long version) =>
        Filter.Eq(d => d.Id, referenceId) & Filter.Eq(d => d.Request.Version, version);

    internal static FilterDefinition<RequestDocument> SinceFilter(string serviceId, DateTimeOffset since) =>
        Filter.Eq(d => d.Request.ServiceId, serviceId) & Filter.Gte(d => d.Request.CreatedAt, since);

    internal static FilterDefinition<RequestDocument> ForPhoneSince(string serviceId, string phone, DateTimeOffset since) =>
        Filter.Eq(d => d.Request.ServiceId, serviceId) & Filter.Eq(d => d.Request.Contact.Phone, phone) & Filter.Gte(d => d.Request.CreatedAt, since);

    internal static FilterDefinition<RequestDocument> UnmatchedFilter(MatchReason reason) =>
        Filter.Eq(d => d.Request.Match.Status, MatchStatus.Unmatched) & Filter.Eq(d => d.Request.Match.Reason, reason);

    /// <summary>
    /// The inbox list's filter, or null when the reader may see no service. Every value from the query
    /// goes in as a value: equality on strings and enums, and name search as an escaped regular
    /// expression over the lower-cased copies, so no text can become an operator or a pattern.
    /// </summary>
    internal static FilterDefinition<RequestDocument>? ListFilter(RequestQuery query)
    {
        var serviceIds = query.ServiceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (serviceIds.Length == 0)
        {
            return null;
        }

        var clauses = new List<FilterDefinition<RequestDocument>> { Filter.In(d => d.Request.ServiceId, serviceIds) };
        if (query.Status is { } status)
        {
            clauses.Add(Filter.Eq(d => d.Request.Status, status));
        }
        if (query.Matched is { } matched)
        {
            clauses.Add(Filter.Eq(d => d.Request.Match.Status, matched ? MatchStatus.Matched : MatchStatus.Unmatched));
        }
        if (query.RequestTypeId is { } requestTypeId)
        {
            clauses.Add(Filter.Eq(d => d.Request.RequestTypeId, requestTypeId));
        }
        if (query.RedFlagged is { } redFlagged)
        {
            // "redFlags.0" exists only when the list has an item.
            clauses.Add(redFlagged ? Filter.SizeGt(d => d.Request.RedFlags, 0) : Filter.Size(d => d.Request.RedFlags, 0));
        }
        if (query.Channel is { } channel)
        {
            clauses.Add(Filter.Eq(d => d.Request.Channel, channel));
        }

        if (query.Unassigned)
        {
            clauses.Add(Filter.Eq(d => d.Request.AssignedTo, null));
        }
        if (query.AssignedTo is { } assignedTo)
        {
            clauses.Add(Filter.Eq(d => d.Request.AssignedTo, assignedTo));
        }
        if (query.AwaitingFirstOpening)
        {
            clauses.Add(Filter.Eq(d => d.Search.Urgency, (int)Urgency.Emergency) & Filter.Eq(d => d.Request.FirstOpened, null));
        }

        var search = query.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            // Every word has to be in the first or the last name, so "jo smi" finds John Smith.
            var terms = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(MaxSearchTerms);
            var names = terms.Select(term =>
            {
                var pattern = new BsonRegularExpression(Regex.Escape(term.ToLowerInvariant()));
                return Filter.Regex(d => d.Search.FirstName, pattern) | Filter.Regex(d => d.Search.LastName, pattern);
            });
            clauses.Add(Filter.Eq(d => d.Search.ReferenceKey, RequestSearchKeys.KeyOf(search)) | Filter.And(names));
        }

        return Filter.And(clauses);
    }
}
