using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// The audit trail in SQLite. Only INSERT and SELECT are written here, and triggers in the schema
/// refuse UPDATE and DELETE on the table from anywhere else too.
/// </summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        BindInsert(command, entry);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one statement that must change exactly one row and, when it does and <paramref name="audit"/> is given, adds
    /// the line in the same transaction (a line that cannot be written undoes the change); true when the row changed.
    /// </summary>
    internal static async Task<bool> ChangeOneRowAsync(SqliteConnection connection, string statement, Action<SqliteCommand> bind, AuditEntry? audit, CancellationToken cancellationToken)
    {
        await using var transaction = audit is null ? null : connection.BeginTransaction(deferred: false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = statement;
            bind(command);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        if (audit is not null)
        {
            await using var line = connection.CreateCommand();
            line.Transaction = transaction;
            BindInsert(line, audit);
            await line.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The insert of one line, for a writer that adds it inside its own transaction (a request's change).</summary>
    internal static void BindInsert(SqliteCommand command, AuditEntry entry)
    {
        command.CommandText = """
            INSERT INTO audit (at, actor, action, service_id, reference_id, detail)
            VALUES (@at, @actor, @action, @service_id, @reference_id, @detail);
            """;
        command
            .With("@at", SqliteValues.Time(entry.At))
            .With("@actor", entry.Actor)
            .With("@action", entry.Action)
            .With("@service_id", entry.ServiceId)
            .With("@reference_id", entry.ReferenceId)
            .With("@detail", entry.Detail);
    }

    /// <remarks><see cref="AuditQuery.From"/> is inclusive, <see cref="AuditQuery.To"/> exclusive.</remarks>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();

        var clauses = new List<string> { "1 = 1" };
        if (query.ServiceId is { } serviceId)
        {
            clauses.Add("service_id = @service_id");
            command.With("@service_id", serviceId);
        }
        if (query.ReferenceId is { } referenceId)
        {
            clauses.Add("reference_id = @reference_id");
            command.With("@reference_id", referenceId);
        }
        if (query.Actor is { } actor)
        {
            clauses.Add("actor = @actor");
            command.With("@actor", actor);
        }
        if (query.From is { } from)
        {
            clauses.Add("at >= @from");
            command.With("@from", SqliteValues.Time(from));
        }
        if (query.To is { } to)
        {
            clauses.Add("at < @to");
            command.With("@to", SqliteValues.Time(to));
        }

        command.CommandText = $"""
            SELECT at, actor, action, service_id, reference_id, detail FROM audit
            WHERE {string.Join(" AND ", clauses)}
            ORDER BY at ASC, id ASC
            LIMIT @limit;
            """;
        command.With("@limit", SqliteValues.Limit(query.Limit));

        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                At: SqliteValues.ReadTime(reader.GetString(0)),
                Actor: reader.GetString(1),
                Action: reader.GetString(2),
                ServiceId: reader.GetNullableString(3),
                ReferenceId: reader.GetNullableString(4),
                Detail: reader.GetNullableString(5)));
        }
        return entries;
    }
}
