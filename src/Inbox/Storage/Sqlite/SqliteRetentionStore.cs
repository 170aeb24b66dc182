namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Retention removals in SQLite. Each write is one short transaction over at most one batch, so other writers
/// wait for it no longer than for an ordinary write. A request's last change is read from its document
/// (<c>updatedAt</c>, with its offset, compared through <c>julianday</c>).
/// </summary>
public sealed class SqliteRetentionStore(SqliteDatabase database) : IRetentionStore
{
    // A done request untouched since @before, with no message since then.
    private const string ClosedCondition = """
        r.status = 'done'
        AND julianday(json_extract(r.document, '$.updatedAt')) < julianday(@before)
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.reference_id = r.reference_id AND m.created_at >= @before)
        """;

    public async Task<IReadOnlyList<ClosedRequest>> ListClosedAsync(DateTimeOffset closedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT r.reference_id, COALESCE((SELECT json_group_array(json_extract(a.value, '$.id')) FROM json_each(r.document, '$.attachments') a), '[]')
            FROM requests r INDEXED BY ix_requests_done
            WHERE {ClosedCondition}
            ORDER BY r.created_at LIMIT @limit;
            """;
        command.With("@before", SqliteValues.Time(closedBefore)).With("@limit", SqliteValues.Limit(limit));
        var found = new List<ClosedRequest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var attachments = System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(1)) ?? [];
            found.Add(new ClosedRequest(reader.GetString(0), attachments));
        }

        return found;
    }

    public async Task<int> DeleteClosedAsync(IReadOnlyCollection<string> referenceIds, DateTimeOffset closedBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceIds);
        if (referenceIds.Count == 0)
        {
            return 0;
        }

        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = writer.Connection.BeginTransaction(deferred: false);
        await using var command = writer.Connection.CreateCommand();
        command.Transaction = transaction;
        var ids = command.WithList("id", [.. referenceIds]);
        command.With("@before", SqliteValues.Time(closedBefore));
        command.CommandText = $"""
            CREATE TEMP TABLE IF NOT EXISTS purged_requests (reference_id TEXT NOT NULL PRIMARY KEY);
            DELETE FROM temp.purged_requests;
            INSERT INTO temp.purged_requests SELECT r.reference_id FROM requests r WHERE r.reference_id IN ({ids}) AND {ClosedCondition};
            DELETE FROM messages WHERE reference_id IN (SELECT reference_id FROM temp.purged_requests);
            DELETE FROM webhook_deliveries WHERE reference_id IN (SELECT reference_id FROM temp.purged_requests);
            DELETE FROM requests WHERE reference_id IN (SELECT reference_id FROM temp.purged_requests);
            SELECT COUNT(*) FROM temp.purged_requests;
            """;
        var removed = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (int)removed;
    }

    public async Task<int> DeleteAuditAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = writer.Connection.BeginTransaction(deferred: false);
        await using var command = writer.Connection.CreateCommand();
        command.Transaction = transaction;
        // The trigger lets these deletes through only while the cut-off is in audit_purge, within this transaction.
        command.CommandText = """
            INSERT INTO audit_purge (before) VALUES (@before);
            DELETE FROM audit WHERE id IN (
                SELECT a.id FROM audit a
                WHERE a.at < @before
                  AND (a.reference_id IS NULL OR NOT EXISTS (SELECT 1 FROM requests r WHERE r.reference_id = a.reference_id))
                ORDER BY a.at LIMIT @limit);
            """;
        command.With("@before", SqliteValues.Time(before)).With("@limit", SqliteValues.Limit(limit));
        var removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) - 1;
        await using (var clear = writer.Connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM audit_purge;";
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async Task<int> ClearOutboxBodiesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox SET body = '' WHERE id IN (
                SELECT id FROM outbox WHERE status IN (@sent, @failed) AND body <> '' AND created_at < @before
                ORDER BY created_at LIMIT @limit);
            """;
        command.With("@sent", SqliteValues.Enum(OutboxStatus.Sent)).With("@failed", SqliteValues.Enum(OutboxStatus.Failed))
            .With("@before", SqliteValues.Time(before)).With("@limit", SqliteValues.Limit(limit));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteOptInsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            DELETE FROM opt_outs WHERE phone IN (
                SELECT phone FROM opt_outs WHERE opted_out = 0 AND updated_at < @before ORDER BY updated_at LIMIT @limit);
            """;
        command.With("@before", SqliteValues.Time(before)).With("@limit", SqliteValues.Limit(limit));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
