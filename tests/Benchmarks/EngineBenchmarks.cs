using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Benchmarks;

/// <summary>
/// The conversation engine with the real rules and a temporary SQLite file (WAL): the cost of a
/// whole conversation, and of single turns in a steady state.
/// </summary>
[Config(typeof(InProcessConfig))]
public class EngineBenchmarks
{
    private static readonly string[] Answers =
        ["1", "1", "I have had a cough for two weeks.", "2", "1", "Jane", "Smith", "22/10/2010", "2", "LS1 6AE", "07700 900123", "no", "1", "1"];

    private BenchmarkHost _host = null!;
    private IntakeEngine _engine = null!;
    private int _conversation;
    private int _input;
    private string _atGender = null!;
    private string _atReview = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = new BenchmarkHost("pc-bench-", services => services.AddIntake());
        _engine = _host.Services.GetRequiredService<IntakeEngine>();

        _atGender = await WalkAsync(7);
        _atReview = await WalkAsync(Answers.Length - 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    /// <summary>Opening, 13 answers and the submission: 14 turns and one stored request.</summary>
    [Benchmark(Description = "Whole conversation (14 turns, submitted)")]
    public async Task<Step> WholeConversation()
    {
        var key = $"bench:{Interlocked.Increment(ref _conversation)}";
        var result = await _engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, "open", null));
        foreach (var answer in Answers)
        {
            result = await _engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, Next(), answer));
        }

        return result.Step;
    }

    /// <summary>Two turns: "back" to the date of birth, and the date again (parse, move, store).</summary>
    [Benchmark(Description = "Turn pair: back + date of birth", OperationsPerInvoke = 2)]
    public async Task<Step> BackAndDateOfBirth()
    {
        await _engine.HandleAsync(new TurnInput(_atGender, "riverside-gp", Channel.WebChat, Next(), "back"));
        var result = await _engine.HandleAsync(new TurnInput(_atGender, "riverside-gp", Channel.WebChat, Next(), "22/10/2010"));
        return result.Step;
    }

    /// <summary>Three turns from the review: change, details, new details (red-flag rules run) back to the review.</summary>
    [Benchmark(Description = "Turn triple: change details from review", OperationsPerInvoke = 3)]
    public async Task<Step> ChangeDetails()
    {
        await _engine.HandleAsync(new TurnInput(_atReview, "riverside-gp", Channel.WebChat, Next(), "2"));
        await _engine.HandleAsync(new TurnInput(_atReview, "riverside-gp", Channel.WebChat, Next(), "2"));
        var result = await _engine.HandleAsync(new TurnInput(_atReview, "riverside-gp", Channel.WebChat, Next(), "My cough has lasted three weeks now and I feel tired."));
        return result.Step;
    }

    private async Task<string> WalkAsync(int answers)
    {
        var key = $"bench-steady:{Guid.NewGuid():N}";
        await _engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, "open", null));
        foreach (var answer in Answers.Take(answers))
        {
            await _engine.HandleAsync(new TurnInput(key, "riverside-gp", Channel.WebChat, Next(), answer));
        }

        return key;
    }

    private string Next() => $"i{Interlocked.Increment(ref _input)}";

    internal static string FindRules()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var rules = Path.Combine(dir.FullName, "rules");
            if (File.Exists(Path.Combine(rules, "services.json")))
            {
                return rules;
            }
        }

        throw new InvalidOperationException("rules/ not found above the benchmark's folder.");
    }
}
