namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Daily usage counters in SQLite, one row per service, counter and day.</summary>
public sealed class SqliteUsageCounterStore(SqliteDatabase database) : IUsageCounterStore
{
    public async Task IncrementAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(counter);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // The increment happens inside SQLite, so concurrent callers never overwrite each other's count.
        command.CommandText = """
            INSERT INTO usage_counters (service_id, counter, day, value) VALUES (@service_id, @counter, @day, 1)
            ON CONFLICT (service_id, counter, day) DO UPDATE SET value = value + 1;
            """;
        command.With("@service_id", serviceId).With("@counter", counter).With("@day", SqliteValues.Day(day));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(counter);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM usage_counters WHERE service_id = @service_id AND counter = @counter AND day = @day;";
        command.With("@service_id", serviceId).With("@counter", counter).With("@day", SqliteValues.Day(day));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }
}
