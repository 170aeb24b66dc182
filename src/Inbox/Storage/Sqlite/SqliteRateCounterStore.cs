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
        // Counted on every text: the statements stay prepared on the writer connection.
        var command = writer.Prepared.Prepared("""
            DELETE FROM rate_counters WHERE rowid IN (SELECT rowid FROM rate_counters WHERE expires_at < @window LIMIT 20);
            INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (@key, @window, 1, @expires)
            ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
            RETURNING count;
            """);
        command.With("@key", key).With("@window", windowStart.ToUnixTimeSeconds()).With("@expires", expiresAt.ToUnixTimeSeconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
