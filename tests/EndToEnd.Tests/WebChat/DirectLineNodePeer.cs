using System.Diagnostics;
using System.Text.Json.Nodes;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>
/// Runs <c>tests/peers/directline/conversation.js</c>: patients using the npm
/// <c>botframework-directlinejs</c> client from Node, no browser. Answers its requests for one-time
/// codes from the service's outbox, and collects what it reports.
/// </summary>
public static class DirectLineNodePeer
{
    public sealed record Outcome(int ExitCode, IReadOnlyList<JsonObject> Done, IReadOnlyList<string> Failures, string Errors);

    public static async Task<Outcome> RunAsync(ServiceHost host, int count, string transport, bool withCode, TimeSpan timeout)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "peers", "directline", "conversation.js");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--base", host.BaseAddress.ToString().TrimEnd('/'), "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--transport", transport })
        {
            start.ArgumentList.Add(argument);
        }

        if (withCode)
        {
            start.ArgumentList.Add("--otp");
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start; scripts/install-prerequisites.sh needs Node.js.");
        var errors = node.StandardError.ReadToEndAsync();
        var done = new List<JsonObject>();
        var failures = new List<string>();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await node.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                var report = JsonNode.Parse(line)!.AsObject();
                if (report["otp"] is { } phone)
                {
                    var code = await WebChatTestSupport.LastCodeSentToAsync(host, phone.GetValue<string>());
                    await node.StandardInput.WriteLineAsync(code);
                    await node.StandardInput.FlushAsync(deadline.Token);
                }
                else if (report["done"] is { } finished)
                {
                    done.Add(finished.AsObject());
                }
                else
                {
                    failures.Add(report["failed"]?.GetValue<string>() ?? line);
                }
            }

            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            failures.Add($"the Node peer did not finish within {timeout}");
        }

        return new Outcome(node.HasExited ? node.ExitCode : -1, done, failures, await errors);
    }
}
