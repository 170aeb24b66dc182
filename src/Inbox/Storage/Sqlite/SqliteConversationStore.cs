namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Conversations in progress in SQLite, with optimistic concurrency on the version column.</summary>
public sealed class SqliteConversationStore(SqliteDatabase database) : IConversationStore
{
    public async Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Every turn reads and writes its conversation: both statements stay prepared on kept connections.
        using var lease = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = lease.Prepared("SELECT key, service_id, state, data, version, updated_at FROM conversations WHERE key = @key;");
        command.With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<ConversationRead> GetWithInputAsync(string key, string appliedInput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(appliedInput);
        // One statement on one kept reader: always one row, the conversation's columns null when there is none.
        using var lease = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = lease.Prepared("""
            SELECT c.key, c.service_id, c.state, c.data, c.version, c.updated_at,
                   EXISTS (SELECT 1 FROM applied_inputs WHERE key = @input)
            FROM (SELECT 1) LEFT JOIN conversations c ON c.key = @key;
            """);
        command.With("@key", key).With("@input", appliedInput);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ConversationRead(reader.IsDBNull(0) ? null : Read(reader), reader.GetInt64(6) == 1);
    }

    public async Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfLessThan(record.Version, 1);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        if (record.AppliedInput is null && record.Counted is null)
        {
            // A single statement: SQLite holds the write lock from the check to the write.
            return await Save(writer.Prepared, record, transaction: null).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }

        // The turn's input and count go in the same commit as the conversation, so an SMS turn is one write
        // through the one writer; both only when the conversation itself was written.
        await using var transaction = writer.Connection.BeginTransaction(deferred: false);
        if (await Save(writer.Prepared, record, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (record.AppliedInput is { } input)
        {
            await SqliteInputIndex.Add(writer.Prepared, input, record.UpdatedAt, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (record.Counted is { } count)
        {
            await SqliteRateCounterStore.Increment(writer.Prepared, count, transaction).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT key, service_id, state, data, version, updated_at FROM conversations
            WHERE updated_at < @cutoff
            ORDER BY updated_at ASC, key ASC
            LIMIT @limit;
            """;
        command.With("@cutoff", SqliteValues.Time(cutoff)).With("@limit", SqliteValues.Limit(limit));
        var records = new List<ConversationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(Read(reader));
        }
        return records;
    }

    public async Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM conversations WHERE key = @key AND version = @version;";
        command.With("@key", key).With("@version", version);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The insert of version 1 or the update from the version before, prepared on the writer.</summary>
    private static Microsoft.Data.Sqlite.SqliteCommand Save(SqlitePreparedConnection writer, ConversationRecord record, Microsoft.Data.Sqlite.SqliteTransaction? transaction) =>
        writer.Prepared(record.Version == 1
            ? """
              INSERT INTO conversations (key, service_id, state, data, version, updated_at)
              VALUES (@key, @service_id, @state, @data, @version, @updated_at)
              ON CONFLICT (key) DO NOTHING;
              """
            : """
              UPDATE conversations
              SET service_id = @service_id, state = @state, data = @data, version = @version, updated_at = @updated_at
              WHERE key = @key AND version = @version - 1;
              """, transaction)
            .With("@key", record.Key)
            .With("@service_id", record.ServiceId)
            .With("@state", record.State)
            .With("@data", record.Data)
            .With("@version", record.Version)
            .With("@updated_at", SqliteValues.Time(record.UpdatedAt));

    private static ConversationRecord Read(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        Key: reader.GetString(0),
        ServiceId: reader.GetString(1),
        State: reader.GetString(2),
        // Bytes as stored: a BLOB since the data became bytes, TEXT (the same UTF-8) in rows written before.
        Data: reader.GetFieldValue<byte[]>(3),
        Version: reader.GetInt64(4),
        UpdatedAt: SqliteValues.ReadTime(reader.GetString(5)));
}
