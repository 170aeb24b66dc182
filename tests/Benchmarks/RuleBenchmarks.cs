using BenchmarkDotNet.Attributes;
using PatientContact.Rules;

namespace PatientContact.Benchmarks;

/// <summary>
/// The request-type list a conversation is offered, from the rule files as shipped (worked out once per service
/// and channel, then cached) against the same rules with one expression reading the opening hours, so every call
/// runs them, as every call did before the cache: the A/B in one run.
/// </summary>
[Config(typeof(InProcessConfig))]
public class RuleBenchmarks
{
    private IRuleBook _cached = null!;
    private IRuleBook _uncached = null!;
    private ServiceDefinition _service = null!;
    private ServiceDefinition _uncachedService = null!;
    private string _copy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = EngineBenchmarks.FindRules();
        _cached = RuleBookLoader.Load(rules);
        _copy = Directory.CreateTempSubdirectory("pc-rules-").FullName;
        foreach (var file in Directory.GetFiles(rules, "*.json"))
        {
            File.Copy(file, Path.Combine(_copy, Path.GetFileName(file)));
        }

        var requestTypes = Path.Combine(_copy, RuleBookLoader.RequestTypesFile);
        var text = File.ReadAllText(requestTypes);
        const string Always = "\"Expression\": \"true\"";
        if (!text.Contains(Always, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The request-types file has no rule that is always true to rewrite for the baseline.");
        }

        File.WriteAllText(requestTypes, text.Replace(Always, "\"Expression\": \"input.IsOpen || true\"", StringComparison.Ordinal));
        _uncached = RuleBookLoader.Load(_copy);
        _service = _cached.FindService("riverside-gp")!;
        _uncachedService = _uncached.FindService("riverside-gp")!;
        if (_cached.GetRequestTypesAsync(_service, Channels.Sms, DateTimeOffset.UtcNow).AsTask().Result.Count
            != _uncached.GetRequestTypesAsync(_uncachedService, Channels.Sms, DateTimeOffset.UtcNow).AsTask().Result.Count)
        {
            throw new InvalidOperationException("The baseline rules offer a different list.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_copy, recursive: true);

    [Benchmark(Baseline = true, Description = "Request types, rules run on every call (before)")]
    public ValueTask<IReadOnlyList<RequestTypeOption>> RequestTypesRunEachTime() =>
        _uncached.GetRequestTypesAsync(_uncachedService, Channels.Sms, DateTimeOffset.UtcNow);

    [Benchmark(Description = "Request types, cached per service and channel (after)")]
    public ValueTask<IReadOnlyList<RequestTypeOption>> RequestTypesCached() =>
        _cached.GetRequestTypesAsync(_service, Channels.Sms, DateTimeOffset.UtcNow);
}
