namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>The applied inputs in SQLite: one short row per key (no rowid), with the time in Unix seconds.</summary>
public sealed class SqliteInputIndex(SqliteDatabase database) : IInputIndex
{
    public async Task<bool> AddAsync(string key, DateTimeOffset appliedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        return await Add(writer.Prepared, key, appliedAt, transaction: null).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> ContainsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        // Asked on every new input: prepared on the kept readers.
        using var reader = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = reader.Prepared("SELECT 1 FROM applied_inputs WHERE key = @key;");
        command.With("@key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The insert, prepared on the writer (also run inside a conversation's save, <see cref="SqliteConversationStore"/>).</summary>
    internal static Microsoft.Data.Sqlite.SqliteCommand Add(SqlitePreparedConnection writer, string key, DateTimeOffset appliedAt, Microsoft.Data.Sqlite.SqliteTransaction? transaction) =>
        writer.Prepared("INSERT INTO applied_inputs (key, applied_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING;", transaction)
            .With("@key", key).With("@at", appliedAt.ToUnixTimeSeconds());

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            DELETE FROM applied_inputs WHERE key IN (
                SELECT key FROM applied_inputs WHERE applied_at < @before ORDER BY applied_at LIMIT @limit);
            """;
        command.With("@before", before.ToUnixTimeSeconds()).With("@limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
