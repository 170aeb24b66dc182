using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// Twilio's own Node library (npm <c>twilio</c>, installed from the lockfile), run with <c>node</c>: it
/// computes webhook signatures and sends through the REST client, so the service is checked against
/// Twilio's implementation rather than its own. Scripts are in <c>tests/peers/twilio</c>.
/// </summary>
public static class TwilioPeer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>One signature per request, in order, from one run of node.</summary>
    public static async Task<IReadOnlyList<string>> SignAsync(string authToken, IReadOnlyList<(string Url, IReadOnlyList<KeyValuePair<string, string>> Fields)> requests)
    {
        var input = new JsonObject
        {
            ["authToken"] = authToken,
            ["requests"] = new JsonArray([.. requests.Select(r => (JsonNode)new JsonObject
            {
                ["url"] = r.Url,
                ["params"] = Params(r.Fields),
            })]),
        };
        var output = await RunAsync("sign.js", input.ToJsonString());
        return JsonSerializer.Deserialize<string[]>(output) ?? throw new InvalidOperationException("sign.js gave no output.");
    }

    /// <summary>Sends one text with Twilio's REST client, pointed at <paramref name="apiBaseUrl"/>; returns what the client made of the answer.</summary>
    public static async Task<JsonObject> SendWithRestClientAsync(Uri apiBaseUrl, string accountSid, string authToken, string to, string from, string body, int? validityPeriod = null)
    {
        var input = new JsonObject
        {
            ["apiBaseUrl"] = apiBaseUrl.ToString(),
            ["accountSid"] = accountSid,
            ["authToken"] = authToken,
            ["to"] = to,
            ["from"] = from,
            ["body"] = body,
            ["validityPeriod"] = validityPeriod,
        };
        var output = await RunAsync("send.js", input.ToJsonString());
        return JsonNode.Parse(output)?.AsObject() ?? throw new InvalidOperationException("send.js gave no output.");
    }

    private static JsonObject Params(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var result = new JsonObject();
        foreach (var group in fields.GroupBy(f => f.Key, StringComparer.Ordinal))
        {
            var values = group.Select(f => f.Value).ToList();
            result[group.Key] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode)v)]);
        }

        return result;
    }

    private static async Task<string> RunAsync(string script, string stdin)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Root, "tests", "peers", "twilio", script)])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in {Timeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} failed ({process.ExitCode}): {await errors}");
        }

        return await output;
    }
}
