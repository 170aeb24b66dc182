using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Photos in SQLite: one row per photo, its bytes in a blob beside its hash.</summary>
public sealed class SqliteAttachmentStore(SqliteDatabase database) : IAttachmentStore
{
    public async Task<AddResult> AddAsync(AttachmentInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO attachments (id, conversation_key, service_id, content_type, bytes, width, height, sha256, created_at, content)
            VALUES (@id, @conversation_key, @service_id, @content_type, @bytes, @width, @height, @sha256, @created_at, @content)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.With("@id", info.Id).With("@conversation_key", info.ConversationKey).With("@service_id", info.ServiceId)
            .With("@content_type", info.ContentType).With("@bytes", info.Bytes).With("@width", info.Width).With("@height", info.Height)
            .With("@sha256", info.Sha256).With("@created_at", SqliteValues.Time(info.CreatedAt));
        command.Parameters.Add("@content", SqliteType.Blob).Value = content.ToArray();
        var added = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return added == 1 ? AddResult.Added : AddResult.AlreadyExists;
    }

    public async Task<StoredAttachment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT conversation_key, service_id, content_type, bytes, width, height, sha256, created_at, content
            FROM attachments WHERE id = @id;
            """;
        command.With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = new AttachmentInfo(
            id, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5),
            reader.GetString(6), SqliteValues.ReadTime(reader.GetString(7)));
        var content = (byte[])reader.GetValue(8);
        return new StoredAttachment(info, AttachmentHash.Checked(info, content));
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var id in ids)
        {
            await using var command = writer.Connection.CreateCommand();
            command.CommandText = "DELETE FROM attachments WHERE id = @id;";
            command.With("@id", id);
            deleted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }
}

/// <summary>The check both stores make on reading a photo back.</summary>
internal static class AttachmentHash
{
    public static byte[] Checked(AttachmentInfo info, byte[] content) =>
        string.Equals(Convert.ToHexStringLower(SHA256.HashData(content)), info.Sha256, StringComparison.Ordinal)
            ? content
            : throw new InvalidDataException($"Attachment {info.Id} does not match its hash.");
}
