using PatientContact.Inbox.Messaging;
using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>The outbound text queue in SQLite; senders lease a row by claiming it.</summary>
public sealed class SqliteOutboxStore(SqliteDatabase database) : IOutboxStore
{
    private const string Columns =
        "id, recipient, body, purpose, idempotency_key, created_at, status, attempts, next_attempt_at, provider_message_id, error, validity_seconds, sender";

    public async Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // No conflict target: a repeated idempotency key or a repeated id both leave the first row alone.
        command.CommandText = $"""
            INSERT INTO outbox ({Columns})
            VALUES (@id, @recipient, @body, @purpose, @idempotency_key, @created_at, @status, @attempts, @next_attempt_at, @provider_message_id, @error, @validity_seconds, @sender)
            ON CONFLICT DO NOTHING;
            """;
        command
            .With("@id", message.Id.ToString("D"))
            .With("@recipient", message.To)
            .With("@body", message.Body)
            .With("@purpose", message.Purpose.Name())
            .With("@idempotency_key", message.IdempotencyKey)
            .With("@created_at", SqliteValues.Time(message.CreatedAt))
            .With("@status", SqliteValues.Enum(message.Status))
            .With("@attempts", message.Attempts)
            .With("@next_attempt_at", SqliteValues.Time(message.NextAttemptAt))
            .With("@provider_message_id", message.ProviderMessageId)
            .With("@error", message.Error)
            .With("@validity_seconds", message.ValiditySeconds)
            .With("@sender", message.From);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListForRecipientAsync(string to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM outbox
            WHERE recipient = @recipient
            ORDER BY created_at DESC, rowid DESC
            LIMIT @limit;
            """;
        command.With("@recipient", to).With("@limit", SqliteValues.Limit(limit));
        var messages = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(Read(reader));
        }
        return messages;
    }

    public async Task<OutboxMessage?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        // Find and mark in one statement: SQLite holds the write lock across both, so two senders
        // can never take the same row. A Sending row's next_attempt_at is its lease expiry.
        // Polled by every sender: the statement stays prepared on the writer connection.
        var command = writer.Prepared.Prepared($"""
            UPDATE outbox SET status = @sending, next_attempt_at = @lease_until
            WHERE rowid = (
                SELECT rowid FROM outbox
                WHERE status IN (@pending, @sending) AND next_attempt_at <= @now
                ORDER BY created_at ASC, rowid ASC
                LIMIT 1)
            RETURNING {Columns};
            """);
        command
            .With("@sending", SqliteValues.Enum(OutboxStatus.Sending))
            .With("@pending", SqliteValues.Enum(OutboxStatus.Pending))
            .With("@now", SqliteValues.Time(now))
            .With("@lease_until", SqliteValues.Time(now + lease));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task UpdateAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbox
            SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at,
                provider_message_id = @provider_message_id, error = @error, body = @body
            WHERE id = @id;
            """;
        command
            .With("@id", message.Id.ToString("D"))
            .With("@status", SqliteValues.Enum(message.Status))
            .With("@attempts", message.Attempts)
            .With("@next_attempt_at", SqliteValues.Time(message.NextAttemptAt))
            .With("@provider_message_id", message.ProviderMessageId)
            .With("@error", message.Error)
            .With("@body", message.Body);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static OutboxMessage Read(SqliteDataReader reader) => new()
    {
        Id = Guid.Parse(reader.GetString(0)),
        To = reader.GetString(1),
        Body = reader.GetString(2),
        Purpose = TextPurposes.Read(reader.GetString(3)),
        IdempotencyKey = reader.GetNullableString(4),
        CreatedAt = SqliteValues.ReadTime(reader.GetString(5)),
        Status = SqliteValues.ReadEnum<OutboxStatus>(reader.GetString(6)),
        Attempts = reader.GetInt32(7),
        NextAttemptAt = SqliteValues.ReadTime(reader.GetString(8)),
        ProviderMessageId = reader.GetNullableString(9),
        Error = reader.GetNullableString(10),
        ValiditySeconds = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        From = reader.GetNullableString(12),
    };
}
