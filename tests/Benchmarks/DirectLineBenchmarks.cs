using BenchmarkDotNet.Attributes;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Benchmarks;

/// <summary>
/// What a WebSocket stream does when a turn of its conversation is stored on this host: before, it was woken
/// and read the new batch back from the store (SQLite file, WAL, a conversation of 12 turns); after, it takes
/// the batch the commit handed it. Both end with the frame the socket is sent.
/// </summary>
[Config(typeof(InProcessConfig))]
public class DirectLineBenchmarks
{
    private const string ConversationId = "bench-conversation";

    private string _folder = null!;
    private SqliteDatabase _database = null!;
    private SqliteActivityStore _store = null!;
    private ActivitySignals _signals = null!;
    private ActivitySignals.Subscription _subscription = null!;
    private ActivityBatch _last = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pc-bench-" + Guid.NewGuid().ToString("N"));
        _database = new SqliteDatabase(Path.Combine(_folder, "bench.db"));
        _store = new SqliteActivityStore(_database);
        var activity = "{\"type\":\"message\",\"id\":\"bench|0000001\",\"from\":{\"id\":\"riverside-gp\",\"name\":\"Riverside GP\",\"role\":\"bot\"},"
            + "\"text\":\"What is your date of birth? For example, 22/10/2010.\",\"inputHint\":\"expectingInput\",\"channelData\":{\"step\":\"date-of-birth\"}}";
        for (var turn = 1; turn <= 12; turn++)
        {
            _last = _store.AppendAsync(ConversationId, "c:" + turn, [activity, activity], DateTimeOffset.UtcNow).GetAwaiter().GetResult();
        }

        _signals = new ActivitySignals();
        _subscription = _signals.Subscribe(ConversationId);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _subscription.Dispose();
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Woken stream reads the new batch from SQLite (before)")]
    public async Task<int> ReadFromStore()
    {
        var batches = await _store.ListAfterAsync(ConversationId, _last.Sequence - 2, WebChatConversations.BatchesPerPage + 2);
        var fresh = batches.Where(b => b.Sequence > _last.Sequence - 1).ToList();
        return DirectLineJson.ActivitySet([.. fresh.SelectMany(b => b.Activities)], fresh[^1].Sequence).Length;
    }

    [Benchmark(Description = "Woken stream takes the batch handed by the commit (after)")]
    public int TakeHanded()
    {
        _signals.Notify(_last);
        var handed = _subscription.TakeAfter(_last.Sequence - 1)!;
        return DirectLineJson.ActivitySet([.. handed.SelectMany(b => b.Activities)], handed[^1].Sequence).Length;
    }
}
