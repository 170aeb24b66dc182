using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// The one SQLite database file behind the SQLite stores: creates the file, its folder and the schema
/// on first use, then hands out a pooled connection per operation.
/// </summary>
/// <remarks>
/// A connection per operation rather than a shared one: SQLite connections are not safe to share
/// between threads, and pooling makes opening one cheap. WAL lets readers carry on while one writer
/// writes; writers queue behind the busy timeout instead of failing.
/// </remarks>
public sealed partial class SqliteDatabase : IDisposable
{
    /// <summary>How long a writer waits for another writer before giving up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialised;

    public SqliteDatabase(string path, ILogger<SqliteDatabase>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger<SqliteDatabase>.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens a connection, creating the file and schema first if this is the first use. Callers
    /// dispose it when their operation is done (it goes back to the pool).
    /// </summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (!_initialised)
        {
            await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        }
        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops pooled connections so the file is released (tests delete it; shutdown closes it).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per-connection settings: a pooled connection keeps them, but a new one starts without.
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialised)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = await OpenRawAsync(cancellationToken).ConfigureAwait(false);
            // Persistent in the file, and cannot be changed inside a transaction.
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode (journal mode is '{mode}').");
                }
            }

            // Immediate: two processes starting on one file must not both migrate it.
            await using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
            var version = await SqliteSchema.MigrateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            _initialised = true;
            LogOpened(_logger, Path, version);
        }
        finally
        {
            _initLock.Release();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SQLite store ready at {Path} (schema version {SchemaVersion})")]
    private static partial void LogOpened(ILogger logger, string path, long schemaVersion);
}
