using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// A long-lived connection owned by <see cref="SqliteDatabase"/> and the commands prepared on it, kept by
/// their SQL text: a statement run every turn is compiled by SQLite once per connection, not once per call.
/// Used by one caller at a time (a lease), never shared between threads at once.
/// </summary>
public sealed class SqlitePreparedConnection : IDisposable
{
    /// <summary>More distinct statements than this on one connection is a caller building SQL per call: they are not kept.</summary>
    private const int MaxStatements = 32;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    internal SqlitePreparedConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Still usable: open, and not inside a transaction left behind (SQLite back in autocommit).</summary>
    internal bool Healthy => Connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) != 0;

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared on first use and kept; its parameters are cleared for
    /// the caller to add. Do not dispose it, and dispose its reader (which resets the statement) before the lease.
    /// Outside a transaction; inside one, pass it (<see cref="Prepared(string, SqliteTransaction)"/>).
    /// </summary>
    public SqliteCommand Prepared(string sql) => Prepared(sql, null);

    /// <summary>
    /// <see cref="Prepared(string)"/> for a statement run inside <paramref name="transaction"/> on this connection.
    /// The command is enlisted only until its next use: every use names its transaction, or none.
    /// </summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction? transaction)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            if (_commands.Count < MaxStatements)
            {
                _commands[sql] = command;
            }
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
