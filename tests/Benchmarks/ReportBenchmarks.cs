using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Reports;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Benchmarks;

/// <summary>
/// The reports and the triage list over a year of one service's requests: 100,000 of them in a temporary
/// SQLite file (WAL), written through the store as submissions are, with a year of daily counters.
/// </summary>
[Config(typeof(InProcessConfig))]
public class ReportBenchmarks
{
    public const int Requests = 100_000;
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    private BenchmarkHost _host = null!;
    private InboxReports _reports = null!;
    private IRequestStore _store = null!;
    private StaffMember _staff = null!;
    private string _week = null!;

    /// <summary>With the reports' covering index (as shipped), or without it (the A/B: reading the columns from the rows).</summary>
    [Params(true, false)]
    public bool ReportsIndex { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        Action<IServiceCollection> services = s =>
        {
            s.AddSingleton<InboxReports>();
            s.AddSingleton(TimeProvider.System);
        };
        _host = new BenchmarkHost("pc-bench-reports-", services, copyOf: await SeededFileAsync(services));
        _store = _host.Services.GetRequiredService<IRequestStore>();
        _reports = _host.Services.GetRequiredService<InboxReports>();
        _staff = new StaffMember("staff@riverside-gp.example", "Staff", ["riverside-gp"], false, "local");
        _week = _reports.LastCompleteWeek().ToString();
        if (!ReportsIndex)
        {
            var database = _host.Services.GetRequiredService<PatientContact.Inbox.Storage.Sqlite.SqliteDatabase>();
            await using var connection = await database.OpenConnectionAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP INDEX ix_requests_reports;";
            await drop.ExecuteNonQueryAsync();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    private static string? _seeded;

    /// <summary>
    /// The year of requests, made once per run and copied for each case. It is written in memory (/dev/shm where
    /// there is one): every submission is committed with synchronous = FULL, and 100,000 disk syncs would take
    /// minutes. The copy the benchmarks read is on disk.
    /// </summary>
    private static async Task<string> SeededFileAsync(Action<IServiceCollection> services)
    {
        if (_seeded is not null)
        {
            return _seeded;
        }

        var memory = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : null;
        using (var seeding = new BenchmarkHost("pc-bench-seed-", services, parent: memory))
        {
            await SeedAsync(seeding.Services.GetRequiredService<IRequestStore>(), seeding.Services.GetRequiredService<IUsageCounterStore>(), DateTimeOffset.UtcNow);
            var database = seeding.Services.GetRequiredService<PatientContact.Inbox.Storage.Sqlite.SqliteDatabase>();
            await using (var connection = await database.OpenConnectionAsync())
            await using (var checkpoint = connection.CreateCommand())
            {
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await checkpoint.ExecuteNonQueryAsync();
            }

            var copy = Path.Combine(Path.GetTempPath(), $"pc-bench-reports-{Guid.NewGuid():N}.db");
            File.Copy(seeding.DatabasePath, copy);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(copy);
            _seeded = copy;
        }

        return _seeded;
    }

    [Benchmark(Description = "Reports page: 28 days of figures and every chart drawn (100,000 requests)")]
    public async Task<int> ReportsPage()
    {
        var report = await _reports.BuildAsync(["riverside-gp"]);
        return report.Charts.Sum(c => ChartSvg.Draw(c).Length);
    }

    [Benchmark(Description = "Weekly data file, one week (100,000 requests)")]
    public async Task<int> WeeklyFile() => (await _reports.WeeklyAsync(_staff, "riverside-gp", _week)).Csv!.Length;

    [Benchmark(Description = "List sort=urgency, first page of 25 (100,000 requests)")]
    public async Task<long> UrgencyList() =>
        (await _store.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"], Sort = RequestSort.Urgency })).Total;

    [Benchmark(Description = "Emergency banner: unopened emergencies (100,000 requests)")]
    public async Task<long> Banner() =>
        (await _store.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"], AwaitingFirstOpening = true, Sort = RequestSort.Urgency, PageSize = 5 })).Total;

    /// <summary>
    /// A year spread evenly: about 274 requests a day. 1 in 100 has an emergency flag (those of the last day
    /// not yet opened), 1 in 20 an urgent one; 7 in 10 matched; half by SMS; three types; 9 in 10 acted on
    /// within a day. Every day has its counters.
    /// </summary>
    public static async Task SeedAsync(IRequestStore store, IUsageCounterStore counters, DateTimeOffset now)
    {
        var random = new Random(18);
        var step = Year / Requests;
        string[] types = ["medical-request", "admin-request", "repeat-prescription"];
        for (var i = 0; i < Requests; i++)
        {
            var at = now - Year + (step * i);
            var roll = random.Next(100);
            var type = types[i % types.Length];
            IReadOnlyList<RedFlagHit> flags = roll == 0 ? [new RedFlagHit("chest-pain", "emergency", "Call 999 now.")]
                : roll < 6 ? [new RedFlagHit("self-harm", "urgent", "Call 111.")]
                : [];
            var acted = random.Next(10) < 9 ? at.AddMinutes(5 + random.Next(1440)) : (DateTimeOffset?)null;
            await store.AddAsync(new ContactRequest
            {
                ReferenceId = $"B{i:D7}",
                ServiceId = "riverside-gp",
                RequestTypeId = type,
                RequestType = type,
                Details = "I have had a cough for two weeks and it is not getting better.",
                CreatedAt = at,
                UpdatedAt = at,
                Patient = new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"),
                SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
                Contact = new ContactDetails("+447700900123", true, ContactPreference.Text),
                Match = random.Next(10) < 7 ? new MatchResult(MatchStatus.Matched, null, "9000000009") : new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null),
                RedFlags = flags,
                Channel = i % 2 == 0 ? Channel.WebChat : Channel.Sms,
                ConversationKey = $"bench:{i}",
                FirstActionAt = acted,
                FirstOpened = flags.Count > 0 && now - at < TimeSpan.FromDays(1) ? null : new FirstOpening(at.AddMinutes(1), "staff@riverside-gp.example"),
                Status = acted is null ? RequestStatus.New : RequestStatus.Done,
            });
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        for (var day = today.AddDays(-365); day <= today; day = day.AddDays(1))
        {
            foreach (var counter in new[] { UsageCounterNames.EmergencyAdvice, UsageCounterNames.Advice, UsageCounterNames.StoppedAt("otp"), UsageCounterNames.StoppedAt("details"), UsageCounterNames.StoppedAt("postcode") })
            {
                await counters.IncrementAsync("riverside-gp", counter, day);
            }
        }
    }
}
