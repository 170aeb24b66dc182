namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>The Data Protection key ring in SQLite: one row per element, written durably (a lost key is a lost sign-in).</summary>
public sealed class SqliteKeyRingStore(SqliteDatabase database) : IKeyRingStore
{
    public async Task<IReadOnlyList<KeyRingEntry>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, xml, created_at FROM key_ring ORDER BY created_at, name;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<KeyRingEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new KeyRingEntry(reader.GetString(0), reader.GetString(1), SqliteValues.ReadTime(reader.GetString(2))));
        }

        return entries;
    }

    public async Task<bool> AddAsync(KeyRingEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Name);
        await using var writer = await database.OpenDurableWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand();
        command.CommandText = "INSERT INTO key_ring (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING;";
        command.With("@name", entry.Name).With("@xml", entry.Xml)
            .With("@at", SqliteValues.Time(entry.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
