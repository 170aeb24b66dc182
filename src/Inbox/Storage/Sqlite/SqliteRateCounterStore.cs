namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Shared limit counts in SQLite: one short row per key and window, incremented inside
/// SQLite so concurrent callers never overwrite each other; each write also clears a few expired rows.
/// Backoffs are one row per key, read and written in one immediate transaction, so two hosts on the
/// same file never both count from the same failures. Times are Unix milliseconds.
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

    public async Task<Backoff> RecordFailureAsync(string key, DateTimeOffset now, BackoffSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(schedule);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = writer.Connection.BeginTransaction(deferred: false);
        var read = writer.Prepared.Prepared("SELECT failures, window_start, not_before, expires_at FROM rate_backoffs WHERE key = @key;", transaction);
        var previous = await ReadBackoff(read.With("@key", key), cancellationToken).ConfigureAwait(false);
        var next = schedule.Next(previous, now);
        var write = writer.Prepared.Prepared("""
            DELETE FROM rate_backoffs WHERE key IN (SELECT key FROM rate_backoffs WHERE expires_at < @now LIMIT 20);
            INSERT INTO rate_backoffs (key, failures, window_start, not_before, expires_at) VALUES (@key, @failures, @window, @notBefore, @expires)
            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                not_before = excluded.not_before, expires_at = excluded.expires_at;
            """, transaction);
        await write.With("@now", now.ToUnixTimeMilliseconds()).With("@key", key).With("@failures", next.Failures)
            .With("@window", next.WindowStart.ToUnixTimeMilliseconds()).With("@notBefore", next.NotBefore.ToUnixTimeMilliseconds())
            .With("@expires", next.ExpiresAt.ToUnixTimeMilliseconds())
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return next;
    }

    public async Task<Backoff?> GetBackoffAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var reader = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = reader.Prepared("SELECT failures, window_start, not_before, expires_at FROM rate_backoffs WHERE key = @key;");
        return await ReadBackoff(command.With("@key", key), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Backoff?> ReadBackoff(Microsoft.Data.Sqlite.SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new Backoff(
            row.GetInt32(0),
            DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(2)),
            DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(3)));
    }
}
