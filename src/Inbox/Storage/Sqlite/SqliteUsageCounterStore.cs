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

    public async Task<IReadOnlyList<UsageCount>> ListAsync(IReadOnlyCollection<string> serviceIds, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var ids = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        var counts = new List<UsageCount>();
        if (ids.Length == 0)
        {
            return counts;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT service_id, counter, day, value FROM usage_counters
            WHERE service_id IN ({command.WithList("service", ids)}) AND day >= @from AND day <= @to
            ORDER BY day, service_id, counter;
            """;
        command.With("@from", SqliteValues.Day(from)).With("@to", SqliteValues.Day(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add(new UsageCount(
                reader.GetString(0),
                reader.GetString(1),
                DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                reader.GetInt64(3)));
        }

        return counts;
    }
}
