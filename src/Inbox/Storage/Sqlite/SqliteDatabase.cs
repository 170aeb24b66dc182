using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// The one SQLite database file behind the SQLite stores: creates the file, its folder and the schema
/// on first use, then hands out a pooled connection per operation, or for the statements run every
/// turn a long-lived one with its prepared statements (<see cref="OpenReaderAsync"/>, and the one
/// writer connection behind <see cref="OpenWriterAsync"/>).
/// </summary>
/// <remarks>
/// A connection per operation rather than a shared one: SQLite connections are not safe to share
/// between threads, and pooling makes opening one cheap. A pooled connection prepares every
/// statement afresh, though, so the per-turn statements run on connections this object keeps, lent
/// to one caller at a time, each keeping its statements compiled. WAL lets readers carry on while one writer
/// writes. SQLite takes one writer at a time, so this process's writers queue for their turn here
/// (<see cref="OpenWriterAsync"/>), waiting without holding a thread, rather than inside SQLite, whose
/// busy wait blocks the thread it runs on; the busy timeout is left for another process on the same file.
/// </remarks>
public sealed partial class SqliteDatabase : IDisposable
{
    /// <summary>How long a writer waits for another writer before giving up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SemaphoreSlim _writeTurn = new(1, 1);

    // Native connections the per-connection settings were applied to; a pooled one keeps them.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];
    private volatile bool _initialised;

    // The writer connection, used only by the holder of the write turn; readers lent one at a time.
    private SqlitePreparedConnection? _writer;
    private readonly System.Collections.Concurrent.ConcurrentBag<SqlitePreparedConnection> _readers = [];
    private int _idleReaders;
    private static readonly int MaxIdleReaders = Math.Max(4, 2 * Environment.ProcessorCount);

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

    /// <summary>Writes committed with <c>synchronous = FULL</c> since this object was made (see <see cref="OpenDurableWriterAsync"/>).</summary>
    public long DurableWrites => Interlocked.Read(ref _durableWrites);

    /// <summary>Write turns taken since this object was made (<see cref="OpenWriterAsync"/>): every write waits for one.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    private long _durableWrites;
    private long _writes;

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

    /// <summary>
    /// Opens a connection for an operation that writes, once this process's earlier writers are done.
    /// Dispose the lease when the operation is done: it closes the connection and lets the next writer in.
    /// </summary>
    public async Task<SqliteWriteLease> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialised)
            {
                await InitialiseAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_writer is not { Healthy: true })
            {
                _writer?.Dispose();
                _writer = null;
                _writer = new SqlitePreparedConnection(await OpenRawAsync(cancellationToken).ConfigureAwait(false));
            }

            Interlocked.Increment(ref _writes);
            return new SqliteWriteLease(_writer, this, _writeTurn);
        }
        catch
        {
            _writeTurn.Release();
            throw;
        }
    }

    /// <summary>
    /// A writer whose commits reach the disk before they return (<c>synchronous = FULL</c>): for the writes
    /// that hand a patient a reference ID. In WAL mode <c>NORMAL</c>, the rest's setting, a power cut can
    /// roll back the last commits; a <c>FULL</c> commit syncs the log, and with it every commit before.
    /// Each costs a sync of the log (about 4 ms on the benchmark machine's disk against 0.15 ms, see
    /// docs/benchmarks.md), so only these writes pay it. The connection goes back to the pool as <c>NORMAL</c>.
    /// </summary>
    public async Task<SqliteWriteLease> OpenDurableWriterAsync(CancellationToken cancellationToken = default)
    {
        var lease = await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = lease.Connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            lease.RestoreNormalSync = true;
            Interlocked.Increment(ref _durableWrites);
            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Lends a long-lived connection for reads, with the statements already prepared on it
    /// (<see cref="SqlitePreparedConnection.Prepared(string)"/>). Dispose the lease when done: the connection is kept for the next reader.
    /// </summary>
    public async Task<SqliteReadLease> OpenReaderAsync(CancellationToken cancellationToken = default)
    {
        if (!_initialised)
        {
            await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        }

        while (_readers.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleReaders);
            if (idle.Healthy)
            {
                return new SqliteReadLease(idle, this);
            }

            idle.Dispose();
        }

        return new SqliteReadLease(new SqlitePreparedConnection(await OpenRawAsync(cancellationToken).ConfigureAwait(false)), this);
    }

    /// <summary>A writer lease is done: a writer connection closed on the way (or a transaction left open) is replaced on the next write.</summary>
    internal void KeepWriterOpen(SqlitePreparedConnection connection)
    {
        if (ReferenceEquals(connection, _writer) && !connection.Healthy)
        {
            connection.Dispose();
            _writer = null;
        }
    }

    internal void ReturnReader(SqlitePreparedConnection connection)
    {
        if (connection.Healthy && Interlocked.Increment(ref _idleReaders) <= MaxIdleReaders)
        {
            _readers.Add(connection);
            return;
        }

        if (connection.Healthy)
        {
            Interlocked.Decrement(ref _idleReaders);
        }

        connection.Dispose();
    }

    /// <summary>Closes the kept connections and drops pooled ones so the file is released (tests delete it; shutdown closes it).</summary>
    public void Dispose()
    {
        while (_readers.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleReaders);
            idle.Dispose();
        }

        // The writer only between writes: one in progress keeps it until it is done.
        if (_writeTurn.Wait(TimeSpan.FromSeconds(5)))
        {
            try
            {
                _writer?.Dispose();
                _writer = null;
            }
            finally
            {
                _writeTurn.Release();
            }
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per-connection settings: a pooled connection keeps them, so they are applied once per native connection.
            if (!_configured.TryGetValue(connection.Handle!, out _))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _configured.AddOrUpdate(connection.Handle!, this);
            }

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

/// <summary>
/// The connection that may write, held until disposed; only one is out at a time in this process. The
/// connection stays open for the next writer, with its prepared statements.
/// </summary>
public sealed class SqliteWriteLease : IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private SemaphoreSlim? _turn;

    internal SqliteWriteLease(SqlitePreparedConnection connection, SqliteDatabase database, SemaphoreSlim turn)
    {
        Prepared = connection;
        _database = database;
        _turn = turn;
    }

    public SqliteConnection Connection => Prepared.Connection;

    /// <summary>The connection's kept statements (<see cref="SqlitePreparedConnection.Prepared(string, Microsoft.Data.Sqlite.SqliteTransaction)"/>), for writes inside a transaction or not.</summary>
    public SqlitePreparedConnection Prepared { get; }

    /// <summary>Set on a durable writer: its connection is put back to <c>synchronous = NORMAL</c> before the next writer has it.</summary>
    internal bool RestoreNormalSync { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _turn, null) is { } turn)
        {
            try
            {
                if (RestoreNormalSync && !await RestoreAsync().ConfigureAwait(false))
                {
                    // Left FULL: closed, so the next writer opens a NORMAL one.
                    await Connection.CloseAsync().ConfigureAwait(false);
                }

                _database.KeepWriterOpen(Prepared);
            }
            finally
            {
                turn.Release();
            }
        }
    }

    private async Task<bool> RestoreAsync()
    {
        try
        {
            await using var command = Connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}

/// <summary>A kept connection lent for reads; disposing the lease gives it back.</summary>
public sealed class SqliteReadLease : IDisposable
{
    private readonly SqliteDatabase _database;
    private SqlitePreparedConnection? _connection;

    internal SqliteReadLease(SqlitePreparedConnection connection, SqliteDatabase database)
    {
        _connection = connection;
        _database = database;
    }

    public SqliteConnection Connection => (_connection ?? throw new ObjectDisposedException(nameof(SqliteReadLease))).Connection;

    /// <inheritdoc cref="SqlitePreparedConnection.Prepared(string)"/>
    public SqliteCommand Prepared(string sql) => (_connection ?? throw new ObjectDisposedException(nameof(SqliteReadLease))).Prepared(sql);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            _database.ReturnReader(connection);
        }
    }
}
