using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;
using PatientContact.Inbox.Tests.Matching.Support;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>
/// Matching stored requests in the background: over a real SQLite file, with the real PDS client
/// against a fake PDS on loopback and a controlled clock.
/// </summary>
public sealed class RequestMatchingTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pc-matching-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private FakePds _pds = null!;
    private ServiceProvider _services = null!;
    private InterleavingRequestStore _interleaving = null!;

    private IRequestStore Requests => _interleaving.Store;

    private IAuditStore Audit => _services.GetRequiredService<IAuditStore>();

    private RequestMatching Matching => _services.GetRequiredService<RequestMatching>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase(Path.Combine(_folder, "test.db"));
        _interleaving = InterleavingRequestStore.Over(new SqliteRequestStore(_database));
        _pds = await FakePds.StartAsync();
        _services = PdsTestServices.Build(
            _pds,
            new Dictionary<string, string?>
            {
                ["Pds:Resilience:MaxRetries"] = "0",
                ["Matching:RetryDelay"] = "00:01:00",
                ["Matching:MaxRetryDelay"] = "00:10:00",
                ["Matching:PollInterval"] = "00:00:05",
            },
            _clock,
            services: s =>
            {
                s.AddSingleton(Requests);
                s.AddSingleton<IAuditStore>(new SqliteAuditStore(_database));
            });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _pds.DisposeAsync();
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static FakeAnswer JaneWithHerMobile() => PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("phone", "07700900123", null)));

    private static FakeAnswer Unavailable() => FakeAnswer.Fixture("non-default-branch/service_unavailable.json", 503);

    [Fact]
    public async Task A_request_not_yet_checked_is_matched_and_the_outcome_audited_without_personal_data()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
        _pds.Answer(JaneWithHerMobile());

        (await Matching.RunPendingAsync(CancellationToken.None)).ShouldBe(1);

        var stored = await Requests.GetAsync("AAAA-0001");
        stored!.Match.ShouldBe(new MatchResult(MatchStatus.Matched, null, "9000000009"));
        stored.Version.ShouldBe(2);
        var entry = (await Audit.QueryAsync(new AuditQuery { ReferenceId = "AAAA-0001" })).ShouldHaveSingleItem();
        entry.ShouldBe(new AuditEntry(_clock.GetUtcNow(), "system", "match", "riverside-gp", "AAAA-0001", "matched"));
    }

    [Fact]
    public async Task Each_unmatched_outcome_is_stored_with_its_reason_and_audited()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001", verified: false));
        await Requests.AddAsync(PdsBundles.Request("AAAA-0002", born: new DateOnly(2010, 10, 23), at: _clock.GetUtcNow().AddMinutes(1)));
        await Requests.AddAsync(PdsBundles.Request("AAAA-0003", phone: "+447700900999", at: _clock.GetUtcNow().AddMinutes(2)));
        _pds.Answer(FakeAnswer.Fixture("non-default-branch/empty_bundle.json"), JaneWithHerMobile());

        await Matching.RunPendingAsync(CancellationToken.None);

        (await Requests.GetAsync("AAAA-0001"))!.Match.Reason.ShouldBe(MatchReason.PhoneNotVerified);
        (await Requests.GetAsync("AAAA-0002"))!.Match.Reason.ShouldBe(MatchReason.NoMatch);
        (await Requests.GetAsync("AAAA-0003"))!.Match.Reason.ShouldBe(MatchReason.PhoneNotOnRecord);
        (await Audit.QueryAsync(new AuditQuery { Actor = "system" })).Select(a => a.Detail)
            .ShouldBe(["unmatched: phone not verified", "unmatched: none", "unmatched: phone not on the record"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_staff_change_landing_between_read_and_write_is_kept_and_the_match_put_on_top()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
        _pds.Answer(JaneWithHerMobile());
        _interleaving.BeforeNextUpdate = async store =>
        {
            var current = (await store.GetAsync("AAAA-0001"))!;
            (await store.TryUpdateAsync(current with
            {
                Status = RequestStatus.InProgress,
                AssignedTo = "staff@riverside-gp.example",
                Notes = [new StaffNote(_clock.GetUtcNow(), "staff@riverside-gp.example", "Called back")],
                Version = current.Version + 1,
            })).ShouldBeTrue();
        };

        await Matching.RunPendingAsync(CancellationToken.None);

        var stored = (await Requests.GetAsync("AAAA-0001"))!;
        stored.Match.Status.ShouldBe(MatchStatus.Matched);
        stored.Status.ShouldBe(RequestStatus.InProgress);
        stored.AssignedTo.ShouldBe("staff@riverside-gp.example");
        stored.Notes.ShouldHaveSingleItem().Text.ShouldBe("Called back");
        stored.Version.ShouldBe(3);
    }

    [Fact]
    public async Task A_match_staff_made_by_hand_meanwhile_stands()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
        _pds.Answer(FakeAnswer.Fixture("non-default-branch/empty_bundle.json"));
        var manual = new MatchResult(MatchStatus.Matched, null, "9434765919");
        _interleaving.BeforeNextUpdate = async store =>
        {
            var current = (await store.GetAsync("AAAA-0001"))!;
            await store.TryUpdateAsync(current with { Match = manual, Version = current.Version + 1 });
        };

        await Matching.RunPendingAsync(CancellationToken.None);

        (await Requests.GetAsync("AAAA-0001"))!.Match.ShouldBe(manual);
        (await Audit.QueryAsync(new AuditQuery { ReferenceId = "AAAA-0001" })).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pds_down_stores_pds_unavailable_then_a_retry_after_the_backoff_matches()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
        _pds.Answer(Unavailable());

        await Matching.RunPendingAsync(CancellationToken.None);
        (await Requests.GetAsync("AAAA-0001"))!.Match.Reason.ShouldBe(MatchReason.PdsUnavailable);

        _pds.Default = JaneWithHerMobile();
        _clock.Advance(TimeSpan.FromSeconds(59));
        (await Matching.RunDueRetriesAsync(CancellationToken.None)).ShouldBe(0);
        _pds.Searches.Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(1));
        (await Matching.RunDueRetriesAsync(CancellationToken.None)).ShouldBe(1);

        (await Requests.GetAsync("AAAA-0001"))!.Match.Status.ShouldBe(MatchStatus.Matched);
        (await Audit.QueryAsync(new AuditQuery { ReferenceId = "AAAA-0001" })).Select(a => a.Detail).ShouldBe(["unmatched: PDS unavailable", "matched"]);
    }

    [Fact]
    public async Task The_wait_between_retries_doubles_up_to_the_longest_and_a_failing_retry_is_not_audited_again()
    {
        await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
        _pds.Default = Unavailable();
        await Matching.RunPendingAsync(CancellationToken.None);

        foreach (var wait in new[] { 1, 2, 4, 8 })
        {
            _clock.Advance(TimeSpan.FromMinutes(wait) - TimeSpan.FromSeconds(1));
            (await Matching.RunDueRetriesAsync(CancellationToken.None)).ShouldBe(0, $"before {wait} min");
            _clock.Advance(TimeSpan.FromSeconds(1));
            (await Matching.RunDueRetriesAsync(CancellationToken.None)).ShouldBe(1, $"at {wait} min");
        }

        Matching.RetryWait(5).ShouldBe(TimeSpan.FromMinutes(10));
        Matching.RetryWait(50).ShouldBe(TimeSpan.FromMinutes(10));
        (await Audit.QueryAsync(new AuditQuery { ReferenceId = "AAAA-0001" })).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_retry_sweep_stops_at_the_first_request_pds_still_does_not_answer()
    {
        _pds.Default = Unavailable();
        for (var i = 1; i <= 3; i++)
        {
            await Requests.AddAsync(PdsBundles.Request($"AAAA-000{i}", at: _clock.GetUtcNow().AddMinutes(i)));
        }

        await Matching.RunPendingAsync(CancellationToken.None);
        _pds.Searches.Count.ShouldBe(3);
        _clock.Advance(TimeSpan.FromMinutes(1));

        (await Matching.RunDueRetriesAsync(CancellationToken.None)).ShouldBe(1);
        _pds.Searches.Count.ShouldBe(4);
    }

    [Fact]
    public async Task The_worker_matches_a_new_request_when_signalled_without_waiting_for_its_poll()
    {
        _pds.Default = JaneWithHerMobile();
        var worker = _services.GetServices<IHostedService>().OfType<MatchingWorker>().Single();
        // Stored before the worker starts (its first sweep runs on the thread pool, so it could
        // otherwise sweep first and miss this one); matched by that sweep, it shows the worker is
        // now waiting for its next poll (which the stopped clock never brings): only the signal can
        // wake it for the second.
        await Requests.AddAsync(PdsBundles.Request("AAAA-0000"));
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(async () => (await Requests.GetAsync("AAAA-0000"))!.Match.Status == MatchStatus.Matched);
            await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
            _services.GetRequiredService<MatchingSignal>().Notify();

            await WaitUntilAsync(async () => (await Requests.GetAsync("AAAA-0001"))!.Match.Status == MatchStatus.Matched);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_worker_finds_a_request_at_its_next_poll_without_a_signal()
    {
        _pds.Default = JaneWithHerMobile();
        var worker = _services.GetServices<IHostedService>().OfType<MatchingWorker>().Single();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Requests.AddAsync(PdsBundles.Request("AAAA-0001"));
            // Up to 30 s of real time for the worker to wake and match, as in WaitUntilAsync: room for a machine busy with
            // other builds. The clock moves 5 s a step, so the worker's next poll is due from the first steps on.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(30) && (await Requests.GetAsync("AAAA-0001"))!.Match.Status != MatchStatus.Matched)
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                await Task.Delay(25);
            }

            (await Requests.GetAsync("AAAA-0001"))!.Match.Status.ShouldBe(MatchStatus.Matched);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    // The test clock is stopped, so no poll can come however long this waits: 30 s of real time
    // only gives a machine busy with other builds room, and weakens nothing.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        (await condition()).ShouldBeTrue("the condition did not come true within 30 seconds");
    }

    /// <summary>
    /// The SQLite store, with a hook that lets a test make a staff change just before matching writes.
    /// A proxy rather than a hand-written wrapper, so it keeps up with the store interface as it grows.
    /// </summary>
    public class InterleavingRequestStore : System.Reflection.DispatchProxy
    {
        private IRequestStore _inner = null!;

        public Func<IRequestStore, Task>? BeforeNextUpdate { get; set; }

        public IRequestStore Store => (IRequestStore)(object)this;

        public static InterleavingRequestStore Over(IRequestStore inner)
        {
            var proxy = (InterleavingRequestStore)(object)Create<IRequestStore, InterleavingRequestStore>();
            proxy._inner = inner;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IRequestStore.TryUpdateAsync) && BeforeNextUpdate is { } interleave)
            {
                BeforeNextUpdate = null;
                return InterleaveAsync(interleave, targetMethod, args!);
            }

            return targetMethod.Invoke(_inner, args);
        }

        private async Task<bool> InterleaveAsync(Func<IRequestStore, Task> interleave, System.Reflection.MethodInfo update, object?[] args)
        {
            await interleave(_inner);
            return await (Task<bool>)update.Invoke(_inner, args)!;
        }
    }
}
