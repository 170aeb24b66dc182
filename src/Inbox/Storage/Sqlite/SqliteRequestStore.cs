using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Submitted requests in SQLite: the whole request as a JSON document, plus copies of the fields the
/// inbox filters and sorts on as indexed columns.
/// </summary>
public sealed class SqliteRequestStore(SqliteDatabase database) : IRequestStore
{
    public const int MaxPageSize = 100;
    private const int MaxSearchTerms = 5;

    private const string Columns =
        "reference_id, reference_key, service_id, status, created_at, matched, match_reason, request_type_id, red_flagged, first_name_lower, last_name_lower, version, document, contact_phone, " +
        "urgency, assigned_to, first_action_at, awaiting_opening, channel, request_type";

    public async Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var writer = await database.OpenDurableWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // DO NOTHING, not REPLACE: a retried submission must never overwrite what staff may already be working on.
        command.CommandText = $"""
            INSERT INTO requests ({Columns})
            VALUES (@reference_id, @reference_key, @service_id, @status, @created_at, @matched, @match_reason, @request_type_id, @red_flagged, @first_name_lower, @last_name_lower, @version, @document, @contact_phone,
                    @urgency, @assigned_to, @first_action_at, @awaiting_opening, @channel, @request_type)
            ON CONFLICT (reference_id) DO NOTHING;
            """;
        Bind(command, request);
        var added = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return added == 1 ? AddResult.Added : AddResult.AlreadyExists;
    }

    public async Task<ContactRequest?> GetAsync(string referenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM requests WHERE reference_id = @reference_id;";
        command.With("@reference_id", referenceId);
        var document = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
    }

    public async Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var serviceIds = query.ServiceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (serviceIds.Length == 0)
        {
            return new RequestPage([], 0, page, pageSize);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One read transaction: the total and the page come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);

        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        var where = BuildFilter(count, query, serviceIds);
        count.CommandText = $"SELECT COUNT(*) FROM requests WHERE {where};";
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

        var items = new List<ContactRequest>(pageSize);
        var skip = (long)(page - 1) * pageSize;
        if (skip < total)
        {
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            BuildFilter(select, query, serviceIds);
            select.CommandText = $"""
                SELECT document FROM requests WHERE {where}
                ORDER BY {OrderBy(query.Sort)}
                LIMIT @take OFFSET @skip;
                """;
            select.With("@take", pageSize).With("@skip", skip);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(reader.GetString(0)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RequestPage(items, total, page, pageSize);
    }

    private const string UpdateAtVersion = """
        UPDATE requests SET
            service_id = @service_id, status = @status, created_at = @created_at, matched = @matched,
            match_reason = @match_reason, request_type_id = @request_type_id, red_flagged = @red_flagged,
            first_name_lower = @first_name_lower, last_name_lower = @last_name_lower,
            version = @version, document = @document, contact_phone = @contact_phone, urgency = @urgency, assigned_to = @assigned_to,
            first_action_at = @first_action_at, awaiting_opening = @awaiting_opening, channel = @channel, request_type = @request_type
        WHERE reference_id = @reference_id AND version = @expected_version;
        """;

    public Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return UpdateAsync(request, null, cancellationToken);
    }

    /// <remarks>One transaction: the conditional update, then the audit line only when it changed the request.</remarks>
    public Task<bool> TryUpdateAsync(ContactRequest request, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audit);
        return UpdateAsync(request, audit, cancellationToken);
    }

    private async Task<bool> UpdateAsync(ContactRequest request, AuditEntry? audit, CancellationToken cancellationToken)
    {
        await using var writer = await database.OpenDurableWriterAsync(cancellationToken).ConfigureAwait(false);
        // One conditional statement, so the version check and the write cannot be split by another writer.
        return await SqliteAuditStore.ChangeOneRowAsync(writer.Connection, UpdateAtVersion, update =>
        {
            Bind(update, request);
            update.With("@expected_version", request.Version - 1);
        }, audit, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM requests WHERE service_id = @service_id AND created_at >= @since;";
        command.With("@service_id", serviceId).With("@since", SqliteValues.Time(since));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(phone);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT document FROM requests
            WHERE service_id = @service_id AND contact_phone = @phone AND created_at >= @since
            ORDER BY created_at DESC, reference_id ASC
            LIMIT 1;
            """;
        command.With("@service_id", serviceId).With("@phone", phone).With("@since", SqliteValues.Time(since));
        var document = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
    }

    public async Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(MatchReason reason, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT document FROM requests
            WHERE matched = 0 AND match_reason = @reason
            ORDER BY created_at ASC, reference_id ASC
            LIMIT @limit;
            """;
        command.With("@reason", reason.Label()).With("@limit", SqliteValues.Limit(limit));
        var items = new List<ContactRequest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Read(reader.GetString(0)));
        }
        return items;
    }

    public async Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var ids = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        var facts = new List<RequestFacts>();
        if (ids.Length == 0)
        {
            return facts;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Only the columns (all in ix_requests_reports): the documents, with the patient's details, are never read for a report.
        command.CommandText = $"""
            SELECT service_id, created_at, channel, request_type_id, request_type, matched, match_reason, urgency, first_action_at
            FROM requests
            WHERE service_id IN ({command.WithList("service", ids)}) AND created_at >= @from AND created_at < @to
            ORDER BY created_at ASC;
            """;
        command.With("@from", SqliteValues.Time(from)).With("@to", SqliteValues.Time(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            facts.Add(new RequestFacts(
                reader.GetString(0),
                SqliteValues.ReadTime(reader.GetString(1)),
                SqliteValues.ReadEnum<Channel>(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetBoolean(5),
                reader.GetNullableString(6) is { } reason ? StoredNames<MatchReason>.Read(reason) : null,
                (Urgency)reader.GetInt32(7),
                reader.GetNullableString(8) is { } acted ? SqliteValues.ReadTime(acted) : null));
        }

        return facts;
    }

    private static string OrderBy(RequestSort sort) => sort switch
    {
        RequestSort.Urgency => "urgency DESC, created_at ASC, reference_id ASC",
        // NULL sorts first: the requests nobody has acted on yet, the longest waiting at the top.
        RequestSort.Waiting => "first_action_at ASC, created_at ASC, reference_id ASC",
        _ => "created_at DESC, reference_id ASC",
    };

    /// <summary>A reference ID in one spelling: upper case, no hyphens or spaces.</summary>
    internal static string ReferenceKey(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != '-' && !char.IsWhiteSpace(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }
        return builder.ToString();
    }

    private static void Bind(SqliteCommand command, ContactRequest request)
    {
        command
            .With("@reference_id", request.ReferenceId)
            .With("@reference_key", ReferenceKey(request.ReferenceId))
            .With("@service_id", request.ServiceId)
            .With("@status", SqliteValues.Enum(request.Status))
            .With("@created_at", SqliteValues.Time(request.CreatedAt))
            .With("@matched", request.Match.Status == MatchStatus.Matched)
            .With("@match_reason", request.Match.Reason?.Label())
            .With("@request_type_id", request.RequestTypeId)
            .With("@red_flagged", request.RedFlags.Count > 0)
            .With("@first_name_lower", request.Patient.FirstName.ToLowerInvariant())
            .With("@last_name_lower", request.Patient.LastName.ToLowerInvariant())
            .With("@version", request.Version)
            .With("@document", JsonSerializer.Serialize(request, SqliteValues.Json))
            .With("@contact_phone", request.Contact.Phone)
            .With("@urgency", (int)Triage.UrgencyOf(request))
            .With("@assigned_to", request.AssignedTo)
            .With("@first_action_at", request.FirstActionAt is { } acted ? SqliteValues.Time(acted) : null)
            .With("@awaiting_opening", Triage.AwaitsFirstOpening(request))
            .With("@channel", SqliteValues.Enum(request.Channel))
            .With("@request_type", request.RequestType);
    }

    /// <summary>Adds the filter's parameters to <paramref name="command"/> and returns the WHERE clause.</summary>
    private static string BuildFilter(SqliteCommand command, RequestQuery query, string[] serviceIds)
    {
        var clauses = new List<string>();

        clauses.Add($"service_id IN ({command.WithList("service", serviceIds)})");

        if (query.Status is { } status)
        {
            clauses.Add("status = @status");
            command.With("@status", SqliteValues.Enum(status));
        }
        if (query.Matched is { } matched)
        {
            clauses.Add("matched = @matched");
            command.With("@matched", matched);
        }
        if (query.RequestTypeId is { } requestTypeId)
        {
            clauses.Add("request_type_id = @request_type_id");
            command.With("@request_type_id", requestTypeId);
        }
        if (query.RedFlagged is { } redFlagged)
        {
            clauses.Add("red_flagged = @red_flagged");
            command.With("@red_flagged", redFlagged);
        }
        if (query.Channel is { } channel)
        {
            clauses.Add("channel = @channel");
            command.With("@channel", SqliteValues.Enum(channel));
        }

        if (query.Unassigned)
        {
            clauses.Add("assigned_to IS NULL");
        }
        if (query.AssignedTo is { } assignedTo)
        {
            clauses.Add("assigned_to = @assigned_to");
            command.With("@assigned_to", assignedTo);
        }
        if (query.AwaitingFirstOpening)
        {
            clauses.Add("awaiting_opening = 1");
        }

        var search = query.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            // Every word has to be in the first or the last name, so "jo smi" finds John Smith.
            var terms = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(MaxSearchTerms).ToArray();
            var nameClauses = new string[terms.Length];
            for (var i = 0; i < terms.Length; i++)
            {
                nameClauses[i] = $"(first_name_lower LIKE @term{i} ESCAPE '\\' OR last_name_lower LIKE @term{i} ESCAPE '\\')";
                command.With($"@term{i}", "%" + EscapeLike(terms[i].ToLowerInvariant()) + "%");
            }
            clauses.Add($"(reference_key = @reference_key OR ({string.Join(" AND ", nameClauses)}))");
            command.With("@reference_key", ReferenceKey(search));
        }

        return string.Join(" AND ", clauses);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
             .Replace("%", "\\%", StringComparison.Ordinal)
             .Replace("_", "\\_", StringComparison.Ordinal);

    private static ContactRequest Read(string document) =>
        JsonSerializer.Deserialize<ContactRequest>(document, SqliteValues.Json)
        ?? throw new InvalidOperationException("A stored request document is empty.");
}
