using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>The FHIR webhook's queue in SQLite; senders lease a row by claiming it, as the outbox does.</summary>
public sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookStore
{
    private const string Columns = "id, service_id, reference_id, created_at, status, attempts, next_attempt_at, delivered_at, error";

    public async Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        // Durable, like the request it goes with: it is written before the request is, so no request goes unposted.
        await using var writer = await database.OpenDurableWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO webhook_deliveries ({Columns})
            VALUES (@id, @service_id, @reference_id, @created_at, @status, @attempts, @next_attempt_at, @delivered_at, @error)
            ON CONFLICT DO NOTHING;
            """;
        Bind(command, delivery).With("@service_id", delivery.ServiceId).With("@reference_id", delivery.ReferenceId).With("@created_at", SqliteValues.Time(delivery.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<WebhookDelivery?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM webhook_deliveries WHERE id = @id;";
        command.With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<WebhookDelivery?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        // Find and mark in one statement, under SQLite's write lock: two senders never take the same row.
        // Polled by every sender: the statement stays prepared on the writer connection.
        var command = writer.Prepared.Prepared($"""
            UPDATE webhook_deliveries SET status = @sending, next_attempt_at = @lease_until
            WHERE rowid = (
                SELECT rowid FROM webhook_deliveries
                WHERE status IN (@pending, @sending) AND next_attempt_at <= @now
                ORDER BY next_attempt_at ASC, created_at ASC, rowid ASC
                LIMIT 1)
            RETURNING {Columns};
            """);
        command
            .With("@sending", SqliteValues.Enum(WebhookStatus.Sending))
            .With("@pending", SqliteValues.Enum(WebhookStatus.Pending))
            .With("@now", SqliteValues.Time(now))
            .With("@lease_until", SqliteValues.Time(now + lease));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task UpdateAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            UPDATE webhook_deliveries
            SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, delivered_at = @delivered_at, error = @error
            WHERE id = @id;
            """;
        Bind(command, delivery);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Bind(SqliteCommand command, WebhookDelivery delivery) => command
        .With("@id", delivery.Id)
        .With("@status", SqliteValues.Enum(delivery.Status))
        .With("@attempts", delivery.Attempts)
        .With("@next_attempt_at", SqliteValues.Time(delivery.NextAttemptAt))
        .With("@delivered_at", delivery.DeliveredAt is { } at ? SqliteValues.Time(at) : null)
        .With("@error", delivery.Error);

    private static WebhookDelivery Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ServiceId = reader.GetString(1),
        ReferenceId = reader.GetString(2),
        CreatedAt = SqliteValues.ReadTime(reader.GetString(3)),
        Status = SqliteValues.ReadEnum<WebhookStatus>(reader.GetString(4)),
        Attempts = reader.GetInt32(5),
        NextAttemptAt = SqliteValues.ReadTime(reader.GetString(6)),
        DeliveredAt = reader.IsDBNull(7) ? null : SqliteValues.ReadTime(reader.GetString(7)),
        Error = reader.GetNullableString(8),
    };
}
