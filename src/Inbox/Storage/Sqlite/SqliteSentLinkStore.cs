using System.Text.Json;
using Microsoft.Data.Sqlite;
using PatientContact.Inbox.Links;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Links texted to patients, in SQLite: the link as a JSON document, keyed by its id, with the token hash
/// (unique where there is one; a general link has none) and the service and send time copied to columns
/// for the look-ups and the "sent links" list.
/// </summary>
public sealed class SqliteSentLinkStore(SqliteDatabase database) : ISentLinkStore
{
    public async Task<AddResult> AddAsync(SentLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // No conflict target: a clash on the id or on the token hash both leave the first link as it was.
        command.CommandText = """
            INSERT INTO sent_links (id, service_id, token_hash, sent_at, version, document)
            VALUES (@id, @service_id, @token_hash, @sent_at, @version, @document)
            ON CONFLICT DO NOTHING;
            """;
        Bind(command, link);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? AddResult.Added : AddResult.AlreadyExists;
    }

    public async Task<SentLink?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM sent_links WHERE id = @id;";
        command.With("@id", id);
        var document = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
    }

    public async Task<SentLink?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM sent_links WHERE token_hash = @token_hash;";
        command.With("@token_hash", tokenHash);
        var document = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
    }

    public async Task<IReadOnlyList<SentLink>> ListForServicesAsync(IReadOnlyCollection<string> serviceIds, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var services = serviceIds.Distinct(StringComparer.Ordinal).ToArray();
        var take = SqliteValues.Limit(limit);
        if (services.Length == 0 || take == 0)
        {
            return [];
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var names = new string[services.Length];
        for (var i = 0; i < services.Length; i++)
        {
            names[i] = $"@service{i}";
            command.With(names[i], services[i]);
        }
        command.CommandText = $"""
            SELECT document FROM sent_links
            WHERE service_id IN ({string.Join(", ", names)})
            ORDER BY sent_at DESC, id ASC
            LIMIT @limit;
            """;
        command.With("@limit", take);
        var links = new List<SentLink>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            links.Add(Read(reader.GetString(0)));
        }
        return links;
    }

    public async Task<bool> TryUpdateAsync(SentLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // One conditional statement, so the version check and the write cannot be split by another writer.
        command.CommandText = """
            UPDATE sent_links SET service_id = @service_id, token_hash = @token_hash, sent_at = @sent_at, version = @version, document = @document
            WHERE id = @id AND version = @expected_version;
            """;
        Bind(command, link);
        command.With("@expected_version", link.Version - 1);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void Bind(SqliteCommand command, SentLink link) => command
        .With("@id", link.Id)
        .With("@service_id", link.ServiceId)
        .With("@token_hash", link.TokenHash)
        .With("@sent_at", SqliteValues.Time(link.SentAt))
        .With("@version", link.Version)
        .With("@document", JsonSerializer.Serialize(link, SqliteValues.Json));

    private static SentLink Read(string document) =>
        JsonSerializer.Deserialize<SentLink>(document, SqliteValues.Json)
        ?? throw new InvalidOperationException("A stored sent-link document is empty.");
}
