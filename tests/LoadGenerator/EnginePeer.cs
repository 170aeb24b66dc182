using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.LoadGenerator;

/// <summary>
/// The side-by-side with the Bot Framework: the same conversation through this project's engine in
/// process, with in-memory stores as the waterfall has MemoryStorage, and through the botbuilder
/// waterfall in node. Reports CPU per turn of each.
/// </summary>
public static class EnginePeer
{
    private static readonly string[] Script =
    [
        "1", "1", "I have had a cough for two weeks and it is not getting better.", "2", "1", "Jane", "Smith",
        "22/10/2010", "1", "LS1 6AE", "07700 900123", "2", "1", "1",
    ];

    public sealed record Cost(string Name, long Turns, double CpuMicrosecondsPerTurn, double WallMicrosecondsPerTurn, double? AllocatedBytesPerTurn);

    public static async Task<Cost> RunEngineAsync(string rulesDirectory, int conversations)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Directory"] = rulesDirectory,
            ["Verification:HashKey"] = Convert.ToBase64String(new byte[32]),
        }).Build());
        services.AddRules(services.BuildServiceProvider().GetRequiredService<IConfiguration>());
        services.AddIntake();
        services.RemoveAll<IHostedService>();
        var memory = new MemoryStores();
        services.AddSingleton<IConversationStore>(memory);
        services.AddSingleton<IRequestStore>(memory);
        services.AddSingleton<IOutboxStore>(memory);
        services.AddSingleton<IUsageCounterStore>(memory);
        services.AddSingleton<IOptOutStore>(memory);
        services.AddSingleton<IMessageStore>(memory);
        services.AddSingleton<IRateCounterStore>(memory);
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IntakeEngine>();

        for (var i = 0; i < 50; i++)
        {
            await ConverseAsync(engine, $"warm-{i}");
        }

        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < conversations; i++)
        {
            await ConverseAsync(engine, $"peer-{i}");
        }

        wall.Stop();
        process.Refresh();
        var turns = (long)conversations * (Script.Length + 1);
        return new Cost(
            "PatientContact engine (in process, in-memory store)",
            turns,
            (process.TotalProcessorTime - cpu0).TotalMicroseconds / turns,
            wall.Elapsed.TotalMicroseconds / turns,
            (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / (double)turns);
    }

    public static async Task<Cost> RunWaterfallAsync(string repositoryRoot, string script, int conversations)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(conversations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["NODE_PATH"] = Path.Combine(repositoryRoot, "node_modules");
        using var node = Process.Start(info)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var error = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"The waterfall peer failed: {error}");
        }

        var result = JsonDocument.Parse(output).RootElement;
        return new Cost(
            "Bot Framework JS waterfall (TestAdapter, MemoryStorage)",
            result.GetProperty("turns").GetInt64(),
            result.GetProperty("cpuMicrosecondsPerTurn").GetDouble(),
            result.GetProperty("wallMicrosecondsPerTurn").GetDouble(),
            null);
    }

    private static async Task ConverseAsync(IntakeEngine engine, string key)
    {
        var result = await engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, "open", null));
        var n = 0;
        foreach (var answer in Script)
        {
            result = await engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, $"m{++n}", answer));
        }

        if (result.Step != Step.Submitted)
        {
            throw new InvalidOperationException($"The engine peer ended at {result.Step.ToId()}.");
        }
    }

    /// <summary>In-memory stores, the counterpart of the waterfall's MemoryStorage; only what a conversation uses.</summary>
    private sealed class MemoryStores : IConversationStore, IRequestStore, IOutboxStore, IUsageCounterStore, IOptOutStore, IMessageStore, IRateCounterStore
    {
        private readonly ConcurrentDictionary<(string, DateTimeOffset), long> _rateCounts = new();

        // The code limits' counts, as the shared counts of a store would keep them; sign-in backoffs are not used here.
        public Task<long> IncrementAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rateCounts.AddOrUpdate((key, windowStart), 1, (_, count) => count + 1));

        public Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rateCounts.GetValueOrDefault((key, windowStart)));

        public Task<Backoff> RecordFailureAsync(string key, DateTimeOffset now, BackoffSchedule schedule, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Backoff?> GetBackoffAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        private readonly ConcurrentDictionary<string, ConversationRecord> _conversations = new();
        private readonly ConcurrentDictionary<string, ContactRequest> _requests = new();
        private readonly ConcurrentDictionary<string, long> _counters = new();

        public Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            Task.FromResult(_conversations.GetValueOrDefault(key));

        // No input index here (as the waterfall keeps none): nothing was applied before.
        public Task<ConversationRead> GetWithInputAsync(string key, string appliedInput, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ConversationRead(_conversations.GetValueOrDefault(key), false));

        public Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default)
        {
            if (record.Version == 1)
            {
                return Task.FromResult(_conversations.TryAdd(record.Key, record));
            }

            return Task.FromResult(_conversations.TryGetValue(record.Key, out var current)
                && current.Version == record.Version - 1
                && _conversations.TryUpdate(record.Key, record, current));
        }

        public Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ConversationRecord>>([]);

        public Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default) =>
            Task.FromResult(_conversations.TryRemove(key, out _));

        public Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(_requests.TryAdd(request.ReferenceId, request) ? AddResult.Added : AddResult.AlreadyExists);

        Task<ContactRequest?> IRequestStore.GetAsync(string referenceId, CancellationToken cancellationToken) =>
            Task.FromResult(_requests.GetValueOrDefault(referenceId));

        public Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> TryUpdateAsync(ContactRequest request, AuditEntry audit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default) => Task.FromResult(0L);

        public Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(MatchReason reason, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ContactRequest>>([]);

        public Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Task.FromResult<ContactRequest?>(null);

        public Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task<IReadOnlyList<OutboxMessage>> ListForRecipientAsync(string to, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([]);

        public Task<OutboxMessage?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            Task.FromResult<OutboxMessage?>(null);

        public Task UpdateAsync(OutboxMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task IncrementAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default)
        {
            _counters.AddOrUpdate($"{serviceId}/{counter}/{day}", 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        Task<long> IUsageCounterStore.GetAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken) =>
            Task.FromResult(_counters.GetValueOrDefault($"{serviceId}/{counter}/{day}"));

        public Task<IReadOnlyList<UsageCount>> ListAsync(IReadOnlyCollection<string> serviceIds, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task SetAsync(string phone, bool optedOut, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> IsOptedOutAsync(string phone, CancellationToken cancellationToken = default) => Task.FromResult(false);

        // Messages on requests: the confirmation's copy is dropped, as the outbox's texts are; nothing replies after submitting.
        public Task<AddResult> AddAsync(RequestMessage message, CancellationToken cancellationToken = default) => Task.FromResult(AddResult.Added);

        public Task<RequestMessage?> GetAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult<RequestMessage?>(null);

        public Task<RequestMessage?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken cancellationToken = default) => Task.FromResult<RequestMessage?>(null);

        public Task<RequestMessage?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default) => Task.FromResult<RequestMessage?>(null);

        public Task<IReadOnlyList<RequestMessage>> ListForRequestAsync(string referenceId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RequestMessage>>([]);

        public Task<bool> TryUpdateStatusAsync(Guid id, DeliveryStatus status, IReadOnlyCollection<DeliveryStatus> from, DateTimeOffset at, string? providerMessageId, string? error, CancellationToken cancellationToken = default) =>
            Task.FromResult(false);

        public Task<int> MarkSeenAsync(string referenceId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.FromResult(0);

        public Task<IReadOnlySet<string>> WithUnreadAsync(IReadOnlyCollection<string> referenceIds, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

        public Task<RequestMessage?> LatestStaffTextAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Task.FromResult<RequestMessage?>(null);
    }
}
