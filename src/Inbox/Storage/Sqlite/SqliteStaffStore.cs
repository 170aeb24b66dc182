using System.Text.Json;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Staff accounts in SQLite: the account as a JSON document, keyed by the lower-cased email, with its
/// services copied to a JSON array column so "the staff of a service" is one query.
/// </summary>
public sealed class SqliteStaffStore(SqliteDatabase database) : IStaffAccountStore
{
    public async Task<AddResult> AddAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO staff_accounts (email_key, service_ids, version, document)
            VALUES (@email_key, @service_ids, @version, @document)
            ON CONFLICT (email_key) DO NOTHING;
            """;
        Bind(command, account);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? AddResult.Added : AddResult.AlreadyExists;
    }

    public async Task<StaffAccount?> GetAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM staff_accounts WHERE email_key = @email_key;";
        command.With("@email_key", Key(email));
        var document = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
    }

    public async Task<bool> TryUpdateAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE staff_accounts SET service_ids = @service_ids, version = @version, document = @document
            WHERE email_key = @email_key AND version = @expected_version;
            """;
        Bind(command, account);
        command.With("@expected_version", account.Version - 1);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> RemoveAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = "DELETE FROM staff_accounts WHERE email_key = @email_key;";
        command.With("@email_key", Key(email));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StaffAccount>> ListForServiceAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT document FROM staff_accounts
            WHERE EXISTS (SELECT 1 FROM json_each(staff_accounts.service_ids) WHERE json_each.value = @service_id)
            ORDER BY email_key ASC
            LIMIT 1000;
            """;
        command.With("@service_id", serviceId);
        var accounts = new List<StaffAccount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(Read(reader.GetString(0)));
        }
        return accounts;
    }

    private static string Key(string email) => email.Trim().ToLowerInvariant();

    private static void Bind(Microsoft.Data.Sqlite.SqliteCommand command, StaffAccount account) => command
        .With("@email_key", Key(account.Email))
        .With("@service_ids", JsonSerializer.Serialize(account.ServiceIds, SqliteValues.Json))
        .With("@version", account.Version)
        .With("@document", JsonSerializer.Serialize(account, SqliteValues.Json));

    private static StaffAccount Read(string document) =>
        JsonSerializer.Deserialize<StaffAccount>(document, SqliteValues.Json)
        ?? throw new InvalidOperationException("A stored staff account document is empty.");
}
