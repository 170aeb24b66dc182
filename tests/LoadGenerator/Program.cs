using System.Globalization;
using System.Text;

namespace PatientContact.LoadGenerator;

/// <summary>
/// dotnet build -c Release && dotnet run -c Release --no-build --project tests/LoadGenerator -- [--scenario all|peer|ceiling|sms|sms-paced|webchat|websocket|soak|webchat-flood] [--patients 200] [--duration 30]
/// (several scenarios comma-separated, e.g. <c>--scenario ceiling,sms,sms-paced</c>; <c>all</c> is every one but the soak).
/// or -- --scenario faults [--conversations 10000] [--patients 40] [--fault-rate 0.02] [--kills 5] [--plant-faults] (exit code 1 when anything was lost or duplicated).
/// Everything runs on 127.0.0.1, bounded by --duration (or the number of conversations), and stops by itself.
/// </summary>
public static class LoadProgram
{
    private static readonly string[] AllScenarios = ["peer", "ceiling", "sms", "sms-paced", "webchat", "websocket"];
    private static readonly string[] ServiceScenarios = ["sms", "sms-paced", "webchat", "websocket", "soak", "webchat-flood"];

    public static async Task<int> Main(string[] args)
    {
        if (args is ["ceiling-server", "--port", var portText])
        {
            await CeilingServer.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture));
            return 0;
        }

        var options = LoadOptions.Parse(args);
        var root = FindRepositoryRoot();
        var report = new StringBuilder();
        var load = new List<(string Name, Summary Summary, double CpuCores, long PeakRss, int Patients)>();
        using var cancel = new CancellationTokenSource(options.Scenario == "faults" ? TimeSpan.FromHours(1) : options.Warmup + options.Duration + TimeSpan.FromMinutes(10));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {Environment.OSVersion}");
        Console.WriteLine($"Patients: {options.Patients}, warm-up {options.Warmup.TotalSeconds:0} s, measured {options.Duration.TotalSeconds:0} s, think time up to {options.MaxThinkTime.TotalMilliseconds:0} ms");

        var scenario = options.Scenario;
        var scenarios = scenario == "all" ? AllScenarios : scenario.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (scenario != "faults" && scenarios.Except([.. AllScenarios, "soak", "webchat-flood"]).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"Unknown scenario {unknown}: use all, faults or any of {string.Join(", ", AllScenarios.Append("soak").Append("webchat-flood"))}, comma-separated.");
            return 2;
        }

        if (scenario == "faults")
        {
            Console.WriteLine($"Fault-injection run: {options.Conversations:N0} conversations, {options.FaultRate:P1} of store calls failing, {options.Kills} kills...");
            return await FaultRun.RunAsync(root, options, (database, settings, port) => StartServiceAsync(root, options, idleTimeout: null, database, settings, port), cancel.Token);
        }

        if (scenarios.Contains("peer"))
        {
            Console.WriteLine("Running the engine and the Bot Framework waterfall in process...");
            var engine = await EnginePeer.RunEngineAsync(Path.Combine(root, "rules"), options.PeerConversations);
            var peer = await EnginePeer.RunWaterfallAsync(root, Path.Combine(AppContext.BaseDirectory, "peer", "waterfall.js"), options.PeerConversations);
            report.AppendLine("| conversation in process | turns | CPU per turn | wall per turn | allocated per turn |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var cost in new[] { engine, peer })
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {cost.Name} | {cost.Turns:N0} | {cost.CpuMicrosecondsPerTurn:N1} µs | {cost.WallMicrosecondsPerTurn:N1} µs | {(cost.AllocatedBytesPerTurn is { } b ? $"{b / 1024:N1} KB" : "n/a")} |");
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"\nThe engine's turn costs {peer.CpuMicrosecondsPerTurn / engine.CpuMicrosecondsPerTurn:N1}x less CPU than the waterfall's.\n");
        }

        if (scenarios.Contains("ceiling"))
        {
            Console.WriteLine("Measuring the bare Kestrel ceiling...");
            var port = ChildProcess.FreePort();
            await using var ceiling = await ChildProcess.StartAsync("dotnet", [typeof(CeilingServer).Assembly.Location, "ceiling-server", "--port", port.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string>(), "/ready", port);
            var cpu0 = ceiling.CpuSeconds();
            var summary = await SmsLoad.RunAsync(ceiling.BaseAddress, CeilingServer.Path, options, cancel.Token);
            load.Add(("bare Kestrel form post -> XML (ceiling)", summary, (ceiling.CpuSeconds() - cpu0) / (options.Warmup + options.Duration).TotalSeconds, ceiling.PeakRssBytes(), options.Patients));
        }

        foreach (var which in ServiceScenarios.Where(scenarios.Contains))
        {
            Console.WriteLine($"Measuring the service: {which}...");
            await using var service = await StartServiceAsync(root, options, idleTimeout: which == "soak" ? TimeSpan.FromMinutes(1) : null);
            var cpu0 = service.CpuSeconds();
            if (which == "soak")
            {
                // Half the patients text, half use web chat (every web chat conversation is new), and
                // conversations fall idle after a minute, so the purgers run throughout.
                var half = options with { Patients = Math.Max(1, options.Patients / 2) };
                var sms = SmsLoad.RunAsync(service.BaseAddress, "/sms/twilio", half, cancel.Token);
                var chat = WebChatLoad.RunAsync(service.BaseAddress, half, cancel.Token);
                await Task.WhenAll(sms, chat);
                var soakCores = (service.CpuSeconds() - cpu0) / (options.Warmup + options.Duration).TotalSeconds;
                load.Add(("PatientContact SMS, during the soak", await sms, soakCores, service.PeakRssBytes(), half.Patients));
                load.Add(("PatientContact web chat, during the soak (same service)", await chat, soakCores, service.PeakRssBytes(), half.Patients));
                report.AppendLine(SoakReport(service.RssTimeline));
                continue;
            }

            if (which == "webchat-flood")
            {
                // The same paced patients twice, each on a service of its own: alone, then beside one flooding client.
                var paced = options with { MaxThinkTime = options.PacedThinkTime };
                var alone = await WebChatLoad.RunAsync(service.BaseAddress, paced, cancel.Token);
                load.Add(($"PatientContact web chat paced (think time up to {paced.MaxThinkTime.TotalMilliseconds:0} ms), alone", alone,
                    (service.CpuSeconds() - cpu0) / (options.Warmup + options.Duration).TotalSeconds, service.PeakRssBytes(), options.Patients));

                var database = Path.Combine(Directory.CreateTempSubdirectory("pc-flood-").FullName, "load.db");
                await using var flooded = await StartServiceAsync(root, options, idleTimeout: null, database);
                var floodCpu0 = flooded.CpuSeconds();
                using var floodStop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
                var flood = WebChatFlood.RunAsync(flooded.BaseAddress, floodStop.Token);
                var beside = await WebChatLoad.RunAsync(flooded.BaseAddress, paced, cancel.Token);
                await floodStop.CancelAsync();
                var floodSummary = await flood;
                load.Add(("the same patients beside one client flooding 32 KB posts", beside,
                    (flooded.CpuSeconds() - floodCpu0) / (options.Warmup + options.Duration).TotalSeconds, flooded.PeakRssBytes(), options.Patients));
                var bytes = new DirectoryInfo(Path.GetDirectoryName(database)!).GetFiles("load.db*").Sum(f => f.Length);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"Flood: {floodSummary.Rounds:N0} rounds (a token, a conversation, 300 posts of 32 KB over 8 connections, 200 at once), {floodSummary.Posts:N0} posts answered {floodSummary.StatusText}; {floodSummary.NetworkErrors:N0} cut off. The flooded service's SQLite file and WAL: {bytes / 1024.0 / 1024:N1} MB.");
                continue;
            }

            if (which == "websocket")
            {
                var (reply, push, clientCores) = await WebSocketLoad.RunAsync(root, service.BaseAddress, options with { MaxThinkTime = options.WebSocketThinkTime }, cancel.Token);
                report.AppendLine(CultureInfo.InvariantCulture, $"The directlinejs clients (node) used {clientCores:N2} cores.");
                var wsCores = (service.CpuSeconds() - cpu0) / (options.Warmup + options.Duration).TotalSeconds;
                load.Add(($"PatientContact web chat (directlinejs over the WebSocket, think time up to {options.WebSocketThinkTime.TotalMilliseconds:0} ms): post to reply", reply, wsCores, service.PeakRssBytes(), options.Patients));
                load.Add(("the same: post's answer to the reply on the socket", push, wsCores, service.PeakRssBytes(), options.Patients));
                continue;
            }

            var summary = which switch
            {
                "webchat" => await WebChatLoad.RunAsync(service.BaseAddress, options, cancel.Token),
                "sms-paced" => await SmsLoad.RunAsync(service.BaseAddress, "/sms/twilio", options with { MaxThinkTime = options.PacedThinkTime }, cancel.Token),
                _ => await SmsLoad.RunAsync(service.BaseAddress, "/sms/twilio", options, cancel.Token),
            };
            var cores = (service.CpuSeconds() - cpu0) / (options.Warmup + options.Duration).TotalSeconds;
            var name = which switch
            {
                "webchat" => "web chat (Direct Line polling)",
                "sms-paced" => $"SMS paced (signed Twilio webhook, think time up to {options.PacedThinkTime.TotalMilliseconds:0} ms)",
                _ => "SMS (signed Twilio webhook)",
            };
            load.Add(($"PatientContact {name}", summary, cores, service.PeakRssBytes(), options.Patients));
        }

        if (load.Count > 0)
        {
            report.AppendLine("| load | patients | turns/s | p50 | p95 | p99 | max | errors | server CPU | server peak RSS |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            foreach (var (name, s, cores, rss, patients) in load)
            {
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {patients} | {s.TurnsPerSecond:N0} | {s.P50:N1} ms | {s.P95:N1} ms | {s.P99:N1} ms | {s.Max:N1} ms | {s.ErrorText} | {cores:N2} cores | {rss / 1024.0 / 1024:N0} MB |");
            }

            var ceilingRate = load.FirstOrDefault(l => l.Name.Contains("ceiling", StringComparison.Ordinal)).Summary?.TurnsPerSecond;
            var smsRate = load.FirstOrDefault(l => l.Name.Contains("SMS", StringComparison.Ordinal)).Summary?.TurnsPerSecond;
            if (ceilingRate is > 0 && smsRate is not null)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"\nSMS turns/s are {100 * smsRate / ceilingRate:N1}% of the bare Kestrel ceiling.");
            }
        }

        Console.WriteLine();
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static async Task<ChildProcess> StartServiceAsync(
        string root, LoadOptions options, TimeSpan? idleTimeout, string? database = null, IDictionary<string, string>? settings = null, int? fixedPort = null)
    {
        var port = fixedPort ?? ChildProcess.FreePort();
        database ??= Path.Combine(Directory.CreateTempSubdirectory("pc-load-").FullName, "load.db");
        var dll = options.ServiceDll is { } given ? Path.GetFullPath(given) : Path.Combine(root, "src", "Conversation", "bin", "Release", "net10.0", "PatientContact.Conversation.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the service first: dotnet build -c Release", dll);
        }

        // A service built in another checkout (an older commit, for an A/B) runs with that checkout's
        // rules and pages, which match its code; a dll copied out of any checkout runs with this one's.
        root = FindRepositoryRoot(Path.GetDirectoryName(dll)!) ?? root;

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            // The content root is the project folder, as under `dotnet run`: the page's own scripts are
            // in its wwwroot, which a build does not copy beside the dll.
            ["ASPNETCORE_CONTENTROOT"] = Path.Combine(root, "src", "Conversation"),
            ["PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Storage__Sqlite__Path"] = database,
            ["Rules__Directory"] = Path.Combine(root, "rules"),
            ["Twilio__AuthToken"] = SmsLoad.AuthToken,
            ["WebChat__TokenRequestsPerMinute"] = "100000",
            ["WebChat__PostsPerClientPerMinute"] = "1000000",
            // Each simulated patient texts conversation after conversation from one number.
            ["Sms__MaxTextsPerSender"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Outbox__Mode"] = "Hold",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        if (idleTimeout is { } idle)
        {
            environment["Conversation__IdleTimeout"] = idle.ToString("c", CultureInfo.InvariantCulture);
        }

        return await ChildProcess.StartAsync("dotnet", [dll], environment, "/health/ready", port);
    }

    private static string SoakReport(IReadOnlyList<(double Seconds, long RssBytes)> timeline)
    {
        if (timeline.Count < 120)
        {
            return "(soak: run at least 2 minutes for a memory trend)";
        }

        double MeanMb(IEnumerable<(double Seconds, long RssBytes)> points) => points.Average(p => p.RssBytes) / 1024 / 1024;
        var first = MeanMb(timeline.Skip(30).Take(60));
        var last = MeanMb(timeline.TakeLast(60));
        var minutes = string.Join(", ", timeline.GroupBy(p => (int)(p.Seconds / 60)).Select(g => $"{g.Key + 1}: {MeanMb(g):N0}"));
        return $"Working set: {first:N0} MB averaged over minute 1 (after 30 s), {last:N0} MB over the last minute ({100 * (last - first) / first:+0.0;-0.0}%).\n"
            + $"Working set by minute (MB): {minutes}.\n";
    }

    private static string FindRepositoryRoot() =>
        FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run from inside the repository.");

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientContact.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
