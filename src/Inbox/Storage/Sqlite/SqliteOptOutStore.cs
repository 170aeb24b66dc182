namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>STOP and START per phone number in SQLite.</summary>
public sealed class SqliteOptOutStore(SqliteDatabase database) : IOptOutStore
{
    /// <remarks>
    /// The later of two changes wins by <paramref name="at"/>, not by arrival: a START delivered after
    /// a newer STOP (webhooks can arrive out of order) must not opt the number back in.
    /// </remarks>
    public async Task SetAsync(string phone, bool optedOut, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO opt_outs (phone, opted_out, updated_at) VALUES (@phone, @opted_out, @updated_at)
            ON CONFLICT (phone) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at
            WHERE excluded.updated_at >= opt_outs.updated_at;
            """;
        command.With("@phone", phone).With("@opted_out", optedOut).With("@updated_at", SqliteValues.Time(at));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsOptedOutAsync(string phone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        // Asked on every text: prepared once on a kept connection.
        using var lease = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = lease.Prepared("SELECT opted_out FROM opt_outs WHERE phone = @phone;");
        command.With("@phone", phone);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value && value != 0;
    }
}
