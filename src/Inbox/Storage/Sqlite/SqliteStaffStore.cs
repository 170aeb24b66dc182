using System.Text.Json;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// Staff accounts in SQLite: the account as a JSON document, keyed by the lower-cased email, with its
/// services copied to a JSON array column so "the staff of a service" is one query.
/// </summary>
public sealed class SqliteStaffStore(SqliteDatabase database) : IStaffAccountStore
{
    private const string Insert = """
        INSERT INTO staff_accounts (email_key, service_ids, version, document)
        VALUES (@email_key, @service_ids, @version, @document)
        ON CONFLICT (email_key) DO NOTHING;
        """;

    private const string UpdateAtVersion = """
        UPDATE staff_accounts SET service_ids = @service_ids, version = @version, document = @document
        WHERE email_key = @email_key AND version = @expected_version;
        """;

    private const string Delete = "DELETE FROM staff_accounts WHERE email_key = @email_key;";

    public async Task<AddResult> AddAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return await WriteAsync(command => Bind(command, account), Insert, null, cancellationToken).ConfigureAwait(false) ? AddResult.Added : AddResult.AlreadyExists;
    }

    /// <remarks>One transaction: the insert, then the audit line only when it added the account.</remarks>
    public async Task<AddResult> AddAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(audit);
        return await WriteAsync(command => Bind(command, account), Insert, audit, cancellationToken).ConfigureAwait(false) ? AddResult.Added : AddResult.AlreadyExists;
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

    public Task<bool> TryUpdateAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return WriteAsync(command => BindAtVersion(command, account), UpdateAtVersion, null, cancellationToken);
    }

    /// <remarks>One transaction: the conditional update, then the audit line only when it changed the account.</remarks>
    public Task<bool> TryUpdateAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(audit);
        return WriteAsync(command => BindAtVersion(command, account), UpdateAtVersion, audit, cancellationToken);
    }

    public Task<bool> RemoveAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        return WriteAsync(command => command.With("@email_key", Key(email)), Delete, null, cancellationToken);
    }

    /// <remarks>One transaction: the delete, then the audit line only when there was an account.</remarks>
    public Task<bool> RemoveAsync(string email, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(audit);
        return WriteAsync(command => command.With("@email_key", Key(email)), Delete, audit, cancellationToken);
    }

    /// <summary>One statement changing one row, with the audit line in its transaction; true when it changed the row.</summary>
    private async Task<bool> WriteAsync(Action<Microsoft.Data.Sqlite.SqliteCommand> bind, string statement, AuditEntry? audit, CancellationToken cancellationToken)
    {
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteAuditStore.ChangeOneRowAsync(writer.Connection, statement, bind, audit, cancellationToken).ConfigureAwait(false);
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

    private static void BindAtVersion(Microsoft.Data.Sqlite.SqliteCommand command, StaffAccount account)
    {
        Bind(command, account);
        command.With("@expected_version", account.Version - 1);
    }

    private static StaffAccount Read(string document) =>
        JsonSerializer.Deserialize<StaffAccount>(document, SqliteValues.Json)
        ?? throw new InvalidOperationException("A stored staff account document is empty.");
}
