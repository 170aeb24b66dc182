namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Shared limit counts in SQLite: one short row per key and window, incremented inside
/// SQLite so concurrent callers never overwrite each other; each write also clears a few expired rows.
/// </summary>
public sealed class SqliteRateCounterStore(SqliteDatabase database) : IRateCounterStore
{
    public async Task<long> IncrementAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var command = Increment(writer.Prepared, new RateCount(key, windowStart, expiresAt), transaction: null);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        // Read before every text a limit counts: prepared on the kept readers.
        using var reader = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = reader.Prepared("SELECT count FROM rate_counters WHERE key = @key AND window_start = @window;");
        command.With("@key", key).With("@window", windowStart.ToUnixTimeSeconds());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long count ? count : 0;
    }

    /// <summary>
    /// The increment, prepared on the writer (also run inside a conversation's save, <see cref="SqliteConversationStore"/>):
    /// it clears a few expired rows, adds one and returns the count with it.
    /// </summary>
    internal static Microsoft.Data.Sqlite.SqliteCommand Increment(SqlitePreparedConnection writer, RateCount count, Microsoft.Data.Sqlite.SqliteTransaction? transaction)
    {
        var command = writer.Prepared("""
            DELETE FROM rate_counters WHERE rowid IN (SELECT rowid FROM rate_counters WHERE expires_at < @window LIMIT 20);
            INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (@key, @window, 1, @expires)
            ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
            RETURNING count;
            """, transaction);
        return command.With("@key", count.Key).With("@window", count.WindowStart.ToUnixTimeSeconds()).With("@expires", count.ExpiresAt.ToUnixTimeSeconds());
    }
}
