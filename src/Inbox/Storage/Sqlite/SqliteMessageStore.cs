using System.Text.Json;
using Microsoft.Data.Sqlite;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Messages on requests in SQLite: the whole message as a JSON document, plus copies of the fields that are
/// looked up (request, Twilio's SID, the dedupe key, unread, staff texts by number) as indexed columns.
/// </summary>
public sealed class SqliteMessageStore(SqliteDatabase database) : IMessageStore
{
    public async Task<AddResult> AddAsync(RequestMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        // No conflict target: a repeated id or a repeated dedupe key both leave the first row alone.
        command.CommandText = """
            INSERT INTO messages (id, reference_id, service_id, direction, phone, author, status, provider_message_id, dedupe_key, created_at, unread, document)
            VALUES (@id, @reference_id, @service_id, @direction, @phone, @author, @status, @provider_message_id, @dedupe_key, @created_at, @unread, @document)
            ON CONFLICT DO NOTHING;
            """;
        Bind(command, message);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? AddResult.Added : AddResult.AlreadyExists;
    }

    public Task<RequestMessage?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindOneAsync("id = @value", id.ToString("D"), cancellationToken);

    public Task<RequestMessage?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dedupeKey);
        return FindOneAsync("dedupe_key = @value", dedupeKey, cancellationToken);
    }

    public Task<RequestMessage?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(providerMessageId);
        return FindOneAsync("provider_message_id = @value", providerMessageId, cancellationToken);
    }

    public async Task<IReadOnlyList<RequestMessage>> ListForRequestAsync(string referenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM messages WHERE reference_id = @reference_id ORDER BY created_at ASC, rowid ASC LIMIT 1000;";
        command.With("@reference_id", referenceId);
        var messages = new List<RequestMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(Read(reader.GetString(0)));
        }

        return messages;
    }

    public async Task<bool> TryUpdateStatusAsync(Guid id, DeliveryStatus status, IReadOnlyCollection<DeliveryStatus> from, DateTimeOffset at, string? providerMessageId, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Count == 0)
        {
            return false;
        }

        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        // Immediate: the read and the conditional write are one step, also against another process on the file.
        await using var transaction = writer.Connection.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
        await using var read = writer.Connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT document FROM messages WHERE id = @id;";
        read.With("@id", id.ToString("D"));
        if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string document)
        {
            return false;
        }

        var message = Read(document);
        if (message.Status is not { } current || !from.Contains(current))
        {
            return false;
        }

        var updated = message with
        {
            Status = status,
            StatusAt = at,
            ProviderMessageId = providerMessageId ?? message.ProviderMessageId,
            Error = error ?? message.Error,
        };
        await using var write = writer.Connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = """
            UPDATE messages SET status = @status, provider_message_id = @provider_message_id, document = @document
            WHERE id = @id;
            """;
        write
            .With("@id", id.ToString("D"))
            .With("@status", SqliteValues.Enum(status))
            .With("@provider_message_id", updated.ProviderMessageId)
            .With("@document", JsonSerializer.Serialize(updated, SqliteValues.Json));
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<int> MarkSeenAsync(string referenceId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceId);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            UPDATE messages SET unread = 0, document = json_set(document, '$.seenAt', @seen_at)
            WHERE reference_id = @reference_id AND unread = 1;
            """;
        command.With("@reference_id", referenceId).With("@seen_at", JsonSerializer.Serialize(at, SqliteValues.Json).Trim('"'));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> WithUnreadAsync(IReadOnlyCollection<string> referenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referenceIds);
        var ids = referenceIds.Distinct(StringComparer.Ordinal).Take(1000).ToArray();
        var unread = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return unread;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var names = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            names[i] = $"@r{i}";
            command.With(names[i], ids[i]);
        }

        command.CommandText = $"SELECT DISTINCT reference_id FROM messages WHERE unread = 1 AND reference_id IN ({string.Join(", ", names)});";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            unread.Add(reader.GetString(0));
        }

        return unread;
    }

    public async Task<RequestMessage?> LatestStaffTextAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        ArgumentNullException.ThrowIfNull(phone);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT document FROM messages
            WHERE service_id = @service_id AND phone = @phone AND author IS NOT NULL AND direction = @out AND created_at >= @since
            ORDER BY created_at DESC, rowid DESC
            LIMIT 1;
            """;
        command
            .With("@service_id", serviceId)
            .With("@phone", phone)
            .With("@out", SqliteValues.Enum(MessageDirection.Out))
            .With("@since", SqliteValues.Time(since));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string document ? Read(document) : null;
    }

    private async Task<RequestMessage?> FindOneAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT document FROM messages WHERE {where} ORDER BY created_at ASC LIMIT 1;";
        command.With("@value", value);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string document ? Read(document) : null;
    }

    private static void Bind(SqliteCommand command, RequestMessage message) =>
        command
            .With("@id", message.Id.ToString("D"))
            .With("@reference_id", message.ReferenceId)
            .With("@service_id", message.ServiceId)
            .With("@direction", SqliteValues.Enum(message.Direction))
            .With("@phone", message.Phone)
            .With("@author", message.Author)
            .With("@status", message.Status is { } status ? SqliteValues.Enum(status) : null)
            .With("@provider_message_id", message.ProviderMessageId)
            .With("@dedupe_key", message.DedupeKey)
            .With("@created_at", SqliteValues.Time(message.CreatedAt))
            .With("@unread", message.Direction == MessageDirection.In && message.SeenAt is null)
            .With("@document", JsonSerializer.Serialize(message, SqliteValues.Json));

    private static RequestMessage Read(string document) =>
        JsonSerializer.Deserialize<RequestMessage>(document, SqliteValues.Json)
        ?? throw new InvalidOperationException("A stored message document is empty.");
}
