using System.Collections.Concurrent;
using System.Diagnostics;

namespace PatientContact.LoadGenerator;

/// <summary>Latencies and errors of one scenario, recorded only inside the measured window.</summary>
public sealed class Recorder
{
    private readonly ConcurrentBag<List<double>> _all = [];
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private long _measuring;

    public bool Measuring => Interlocked.Read(ref _measuring) == 1;

    public void Start() => Interlocked.Exchange(ref _measuring, 1);

    public void Stop() => Interlocked.Exchange(ref _measuring, 0);

    public List<double> NewWorkerList()
    {
        var list = new List<double>(4096);
        _all.Add(list);
        return list;
    }

    public void Error(string kind)
    {
        if (Measuring)
        {
            _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }
    }

    public static double Elapsed(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    public Summary Summarise(TimeSpan window)
    {
        var latencies = _all.SelectMany(l => l).ToArray();
        Array.Sort(latencies);
        double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        return new Summary(
            latencies.Length,
            latencies.Length / window.TotalSeconds,
            P(0.50), P(0.95), P(0.99), latencies.Length == 0 ? double.NaN : latencies[^1],
            new Dictionary<string, long>(_errors));
    }
}

/// <summary>What a scenario measured.</summary>
public sealed record Summary(long Turns, double TurnsPerSecond, double P50, double P95, double P99, double Max, IReadOnlyDictionary<string, long> Errors)
{
    public string ErrorText => Errors.Count == 0 ? "none" : string.Join(", ", Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}"));
}
