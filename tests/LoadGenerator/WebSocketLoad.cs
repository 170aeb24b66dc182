using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PatientContact.LoadGenerator;

/// <summary>
/// Web chat patients over the npm <c>botframework-directlinejs</c> client in WebSocket mode, run in
/// node (<c>peer/websocket.js</c>): the reply's latency is from the post to the next question on the
/// socket; the push's is from the post's answer to that arrival. The clients' own CPU is returned too:
/// near a core, node is the limit, not the service.
/// </summary>
public static class WebSocketLoad
{
    public static async Task<(Summary Reply, Summary Push, double GeneratorCores)> RunAsync(string repositoryRoot, Uri baseAddress, LoadOptions options, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "peer", "websocket.js"));
        info.ArgumentList.Add(Path.Combine(repositoryRoot, "tests", "peers", "directline", "client.js"));
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        info.ArgumentList.Add(options.Patients.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(options.Warmup.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(options.Duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(options.MaxThinkTime.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        info.Environment["NODE_PATH"] = Path.Combine(repositoryRoot, "node_modules");
        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = node.StandardError.ReadToEndAsync(cancellationToken);
        await node.WaitForExitAsync(cancellationToken);
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"The WebSocket load failed: {await error}");
        }

        var result = JsonDocument.Parse(await output).RootElement;
        var window = TimeSpan.FromSeconds(result.GetProperty("seconds").GetDouble());
        var errors = result.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetInt64());
        var cores = result.GetProperty("cpuSeconds").GetDouble() / (options.Warmup + options.Duration).TotalSeconds;
        return (Summarise(result.GetProperty("reply"), window, errors), Summarise(result.GetProperty("push"), window, errors), cores);
    }

    private static Summary Summarise(JsonElement values, TimeSpan window, IReadOnlyDictionary<string, long> errors)
    {
        var latencies = values.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Array.Sort(latencies);
        double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        return new Summary(latencies.Length, latencies.Length / window.TotalSeconds, P(0.50), P(0.95), P(0.99), latencies.Length == 0 ? double.NaN : latencies[^1], errors);
    }
}
