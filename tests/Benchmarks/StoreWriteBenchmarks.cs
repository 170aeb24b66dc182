using BenchmarkDotNet.Attributes;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Benchmarks;

/// <summary>
/// What a durable write costs: a request insert committed with <c>synchronous = FULL</c> (the write
/// that hands out a reference ID) against a conversation save committed with <c>NORMAL</c>, one
/// after another on one SQLite file (WAL) in the temp folder's disk.
/// </summary>
[Config(typeof(InProcessConfig))]
public class StoreWriteBenchmarks
{
    private string _folder = null!;
    private SqliteDatabase _database = null!;
    private SqliteRequestStore _requests = null!;
    private SqliteConversationStore _conversations = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pc-bench-" + Guid.NewGuid().ToString("N"));
        _database = new SqliteDatabase(Path.Combine(_folder, "bench.db"));
        _requests = new SqliteRequestStore(_database);
        _conversations = new SqliteConversationStore(_database);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "Request insert, synchronous = FULL")]
    public Task<AddResult> InsertRequest()
    {
        var n = Interlocked.Increment(ref _next);
        return _requests.AddAsync(new ContactRequest
        {
            ReferenceId = "R" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
            ServiceId = "riverside-gp",
            RequestTypeId = "medical-request",
            RequestType = "Medical request",
            Details = "I have had a cough for two weeks and it is not getting better.",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Patient = new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"),
            SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
            Contact = new ContactDetails("+447700900123", true, ContactPreference.Text),
            Channel = Channel.WebChat,
            ConversationKey = "webchat:bench-" + n,
        });
    }

    [Benchmark(Description = "Conversation save (2.5 KB), synchronous = NORMAL")]
    public Task<bool> SaveConversation()
    {
        var n = Interlocked.Increment(ref _next);
        return _conversations.TrySaveAsync(new ConversationRecord("bench:" + n, "riverside-gp", "details", System.Text.Encoding.UTF8.GetBytes(new string('x', 2500)), 1, DateTimeOffset.UtcNow));
    }
}
