using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Benchmarks;

/// <summary>
/// The SQLite statements of an SMS turn (the opt-out check, the conversation read, its update; and with the sender
/// limit's count and the replay memory's applied input, as three writes or as one), on one
/// file (WAL) in the temp folder: through the stores, whose statements stay prepared on kept connections,
/// against the same statements as the stores ran them before, on a connection from the pool and
/// prepared afresh every call.
/// </summary>
[Config(typeof(InProcessConfig))]
public class SqliteTurnBenchmarks
{
    private const string Key = "sms:riverside-gp:+447700900123";
    private const string Phone = "+447700900123";
    private static readonly byte[] Data = System.Text.Encoding.UTF8.GetBytes(new string('x', 2500));

    private string _folder = null!;
    private SqliteDatabase _database = null!;
    private SqliteConversationStore _conversations = null!;
    private SqliteOptOutStore _optOuts = null!;
    private SqliteRateCounterStore _counters = null!;
    private SqliteInputIndex _inputs = null!;
    private long _version;
    private long _input;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pc-bench-" + Guid.NewGuid().ToString("N"));
        _database = new SqliteDatabase(Path.Combine(_folder, "bench.db"));
        _conversations = new SqliteConversationStore(_database);
        _optOuts = new SqliteOptOutStore(_database);
        _counters = new SqliteRateCounterStore(_database);
        _inputs = new SqliteInputIndex(_database);
        _version = 1;
        if (!_conversations.TrySaveAsync(new ConversationRecord(Key, "riverside-gp", "details", Data, _version, DateTimeOffset.UtcNow)).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The conversation was not stored.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Turn's statements, pooled connection, prepared each call (before)")]
    public async Task<bool> PooledAndPreparedEachCall()
    {
        if (await OptedOutPooledAsync())
        {
            return false;
        }

        var record = await ReadPooledAsync() ?? throw new InvalidOperationException("The conversation is missing.");
        return await UpdatePooledAsync(record.Version + 1);
    }

    [Benchmark(Description = "Turn's statements through the stores, kept connections, prepared once (after)")]
    public async Task<bool> KeptAndPreparedOnce()
    {
        if (await _optOuts.IsOptedOutAsync(Phone))
        {
            return false;
        }

        var record = await _conversations.GetAsync(Key) ?? throw new InvalidOperationException("The conversation is missing.");
        var saved = await _conversations.TrySaveAsync(record with { Version = record.Version + 1, UpdatedAt = DateTimeOffset.UtcNow });
        return saved ? true : throw new InvalidOperationException("The update was refused.");
    }

    /// <summary>
    /// The whole SMS turn's store calls as the sender limit and the replay memory made them: the count added in its
    /// own write before the turn, the applied input in its own write after it. Three writes through the one writer.
    /// </summary>
    [Benchmark(Description = "SMS turn with limit and replay memory: three writes (counter, conversation, input)")]
    public async Task<bool> ThreeWrites()
    {
        var (input, window) = NextInput();
        await _counters.IncrementAsync(Key, window, window.AddMinutes(10));
        if (await _optOuts.IsOptedOutAsync(Phone) || await _inputs.ContainsAsync(input))
        {
            return false;
        }

        var record = await _conversations.GetAsync(Key) ?? throw new InvalidOperationException("The conversation is missing.");
        var saved = await _conversations.TrySaveAsync(record with { Version = record.Version + 1, UpdatedAt = DateTimeOffset.UtcNow });
        await _inputs.AddAsync(input, DateTimeOffset.UtcNow);
        return saved ? true : throw new InvalidOperationException("The update was refused.");
    }

    /// <summary>The same turn now: the count read before it, and count and input written in the conversation's own transaction.</summary>
    [Benchmark(Description = "SMS turn with limit and replay memory: one write (count and input with the conversation)")]
    public async Task<bool> OneWrite()
    {
        var (input, window) = NextInput();
        if (await _counters.CountAsync(Key, window) < 0 || await _optOuts.IsOptedOutAsync(Phone) || await _inputs.ContainsAsync(input))
        {
            return false;
        }

        var record = await _conversations.GetAsync(Key) ?? throw new InvalidOperationException("The conversation is missing.");
        var saved = await _conversations.TrySaveAsync(record with
        {
            Version = record.Version + 1,
            UpdatedAt = DateTimeOffset.UtcNow,
            AppliedInput = input,
            Counted = new RateCount(Key, window, window.AddMinutes(10)),
        });
        return saved ? true : throw new InvalidOperationException("The update was refused.");
    }

    /// <summary>A new input key each call (as each text has its own MessageSid), counted in a window of the minute.</summary>
    private (string Input, DateTimeOffset Window) NextInput()
    {
        var now = DateTimeOffset.UtcNow;
        return ("input-" + Interlocked.Increment(ref _input), new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero));
    }

    private async Task<bool> OptedOutPooledAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT opted_out FROM opt_outs WHERE phone = @phone;";
        command.Parameters.AddWithValue("@phone", Phone);
        return await command.ExecuteScalarAsync() is long value && value != 0;
    }

    private async Task<ConversationRecord?> ReadPooledAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, service_id, state, data, version, updated_at FROM conversations WHERE key = @key;";
        command.Parameters.AddWithValue("@key", Key);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new ConversationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetInt64(4), DateTimeOffset.UtcNow)
            : null;
    }

    private async Task<bool> UpdatePooledAsync(long version)
    {
        // As the store wrote before: the one writer's turn, then a pooled connection.
        await using var writer = await _database.OpenWriterAsync();
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE conversations
            SET service_id = @service_id, state = @state, data = @data, version = @version, updated_at = @updated_at
            WHERE key = @key AND version = @version - 1;
            """;
        command.Parameters.AddWithValue("@key", Key);
        command.Parameters.AddWithValue("@service_id", "riverside-gp");
        command.Parameters.AddWithValue("@state", "details");
        command.Parameters.AddWithValue("@data", Data);
        command.Parameters.AddWithValue("@version", version);
        // The store's time format (fixed width, UTC, to the tick).
        command.Parameters.AddWithValue("@updated_at", DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync() == 1 ? true : throw new InvalidOperationException("The update was refused.");
    }
}
