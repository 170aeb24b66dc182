using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace PatientContact.LoadGenerator;

/// <summary>
/// The fault-injection run (docs/fault-injection.md): whole conversations over signed SMS webhooks and
/// Direct Line while the store fails at random (Development:StoreFaultRate, before or after the real
/// call) and the service is killed (SIGKILL) and started again on the same SQLite file several times.
/// Each simulated patient does what Twilio and the widget do: sends the same message (same MessageSid,
/// same clientActivityID) again until it is answered. Afterwards every reference ID a patient was told
/// must be stored exactly once, and every stored request must be one a patient was told about.
/// </summary>
public static partial class FaultRun
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string root, LoadOptions options, Func<string, IDictionary<string, string>, int, Task<ChildProcess>> start, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("pc-faults-").FullName;
        var database = Path.Combine(data, "faults.db");
        var port = ChildProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Development__StoreFaultRate"] = options.FaultRate.ToString(CultureInfo.InvariantCulture),
            ["WebChat__TokenKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 3)).ToArray()),
            ["WebChat__PostsPerConversationPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "None",
        };
        var service = new Restartable(() => start(database, settings, port));
        await service.StartAsync();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var outcomes = new ConcurrentBag<Outcome>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        var killEvery = Math.Max(1, options.Conversations / (options.Kills + 1));

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Patients, PooledConnectionLifetime = TimeSpan.FromSeconds(30) };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var killer = Task.Run(async () =>
        {
            for (var kill = 1; kill <= options.Kills && !cancellationToken.IsCancellationRequested; kill++)
            {
                while (outcomes.Count < kill * killEvery && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(50, cancellationToken);
                }

                // Mid-turn for most patients: SIGKILL, then the same file again.
                await service.KillAndStartAsync();
                Console.WriteLine($"  killed and restarted ({kill} of {options.Kills}) after {outcomes.Count:N0} conversations, {clock.Elapsed.TotalSeconds:N0} s");
            }
        }, cancellationToken);

        var workers = Enumerable.Range(0, options.Patients).Select(patient => Task.Run(async () =>
        {
            var random = new Random(patient);
            for (var n = Interlocked.Increment(ref next); n < options.Conversations; n = Interlocked.Increment(ref next))
            {
                var sms = n % 2 == 0;
                var outcome = sms
                    ? await SmsConversationAsync(http, baseAddress, patient, n, random, cancellationToken)
                    : await WebChatConversationAsync(http, patient, n, random, cancellationToken);
                outcomes.Add(outcome);
            }
        }, cancellationToken)).ToArray();

        await Task.WhenAll(workers);
        await killer;
        var elapsed = clock.Elapsed;
        var faultsAnswered = outcomes.Sum(o => o.Retries);
        await service.DisposeAsync();

        var told = outcomes.Where(o => o.ReferenceId is not null).ToList();
        if (options.PlantFaults && told.Count >= 2)
        {
            Plant(database, lose: told[0].ReferenceId!, copy: told[1].ReferenceId!);
            Console.WriteLine($"  planted: {told[0].ReferenceId} deleted, {told[1].ReferenceId} stored again as {PlantedReference}");
        }

        var stored = ReadStored(database);
        var storedByCase = stored.GroupBy(s => s.Case).ToDictionary(g => g.Key, g => g.ToList());
        var storedIds = stored.GroupBy(s => s.ReferenceId).ToDictionary(g => g.Key, g => g.Count());
        var lost = told.Count(o => !storedIds.ContainsKey(o.ReferenceId!));
        var storedTwice = storedIds.Count(s => s.Value > 1) + storedByCase.Count(c => c.Value.Count > 1);
        var toldOther = told.Count(o => storedByCase.TryGetValue(o.Case, out var mine) && !mine.Any(m => m.ReferenceId == o.ReferenceId));
        var toldCases = told.Select(o => o.Case).ToHashSet();
        var untold = stored.Count(s => !toldCases.Contains(s.Case));

        var report = new System.Text.StringBuilder();
        report.AppendLine("| fault-injection run | count |");
        report.AppendLine("|---|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| conversations (SMS / web chat) | {outcomes.Count:N0} ({outcomes.Count(o => o.Sms):N0} / {outcomes.Count(o => !o.Sms):N0}) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| tries again after a failed or not-yet answer (SMS: the same MessageSid resent after a 5xx, refused connection or timeout; web chat: a post resent or a poll repeated) | {faultsAnswered:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| kills (SIGKILL) and restarts | {service.Restarts:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| store fault rate | {options.FaultRate:P1} of store calls |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| reference IDs patients were given | {told.Count:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| conversations given up (no reference after {GiveUpAfter.TotalMinutes:N0} minutes of retries) | {outcomes.Count(o => o.ReferenceId is null):N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| requests stored | {stored.Count:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| lost (given a reference ID, not stored) | {lost:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| duplicated (a reference ID or a conversation stored twice) | {storedTwice:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| told one reference ID, stored under another | {toldOther:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| stored, but no patient was told its reference ID | {untold:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| wall time | {elapsed.TotalSeconds:N0} s |");
        Console.WriteLine();
        Console.WriteLine(report.ToString());
        Directory.Delete(data, recursive: true);
        return lost == 0 && storedTwice == 0 && toldOther == 0 && untold == 0 && outcomes.All(o => o.ReferenceId is not null) ? 0 : 1;
    }

    private sealed record Outcome(bool Sms, int Case, string? ReferenceId, int Retries);

    private sealed record StoredRequest(string ReferenceId, int Case);

    /// <summary>The details every conversation gives, with its case number: how a stored request is traced to the conversation that sent it.</summary>
    private static string Details(int n) => $"I have had a cough for two weeks and it is not getting better, case {n}.";

    [GeneratedRegex(@"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"case (\d+)\.")]
    private static partial Regex CasePattern();

    private static async Task<Outcome> SmsConversationAsync(HttpClient http, Uri baseAddress, int patient, int n, Random random, CancellationToken ct)
    {
        var from = "+447700900" + patient.ToString("D3", CultureInfo.InvariantCulture);
        string[] script =
        [
            "new request", "1", "1", Details(n), "2", "1", "Jane", "Smith", "22/10/2010", "1", "ls1 6ae", "0" + from[3..], "1", "1",
        ];
        var url = new Uri(baseAddress, "/sms/twilio").ToString();
        var retries = 0;
        string? last = null;
        for (var i = 0; i < script.Length; i++)
        {
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["AccountSid"] = "AC00000000000000000000000000000000",
                ["ApiVersion"] = "2010-04-01",
                ["Body"] = script[i],
                ["From"] = from,
                ["MessageSid"] = $"SM{n:D8}{i:D4}".PadRight(34, '0'),
                ["NumMedia"] = "0",
                ["NumSegments"] = "1",
                ["SmsStatus"] = "received",
                ["To"] = SmsLoad.ServiceNumber,
            };
            var began = Stopwatch.GetTimestamp();
            while (true)
            {
                if (Stopwatch.GetElapsedTime(began) > GiveUpAfter)
                {
                    return new Outcome(true, n, null, retries);
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, "/sms/twilio") { Content = new FormUrlEncodedContent(fields) };
                request.Headers.Add("X-Twilio-Signature", SmsLoad.Sign(url, fields));
                try
                {
                    using var response = await http.SendAsync(request, ct);
                    var text = await response.Content.ReadAsStringAsync(ct);
                    if (response.IsSuccessStatusCode && text.Contains("<Message>", StringComparison.Ordinal)
                        && !text.Contains("could not take that message just now", StringComparison.Ordinal))
                    {
                        last = text;
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                }

                retries++;
                await Task.Delay(50 + random.Next(200), ct);
            }
        }

        return new Outcome(true, n, last is null ? null : ReferencePattern().Match(last) is { Success: true } m ? m.Value : null, retries);
    }

    private static async Task<Outcome> WebChatConversationAsync(HttpClient http, int patient, int n, Random random, CancellationToken ct)
    {
        string[] script = ["1", "1", Details(n), "2", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "0113 496 0000", "1"];
        var retries = 0;
        var began = Stopwatch.GetTimestamp();

        async Task<T?> UntilAsync<T>(Func<Task<T?>> attempt)
            where T : class
        {
            while (Stopwatch.GetElapsedTime(began) < GiveUpAfter)
            {
                try
                {
                    if (await attempt() is { } done)
                    {
                        return done;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
                {
                }

                retries++;
                await Task.Delay(50 + random.Next(200), ct);
            }

            return null;
        }

        var opened = await UntilAsync(async () =>
        {
            using var tokenResponse = await http.PostAsync("c/riverside-gp/token", null, ct);
            if (!tokenResponse.IsSuccessStatusCode)
            {
                return null;
            }

            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>(ct))!["token"]!.GetValue<string>();
            using var start = new HttpRequestMessage(HttpMethod.Post, "v3/directline/conversations") { Content = JsonContent.Create(new { user = new { id = $"fault-{patient}" } }) };
            start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var started = await http.SendAsync(start, ct);
            if (!started.IsSuccessStatusCode)
            {
                return null;
            }

            var conversation = (await started.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            return new[] { conversation["conversationId"]!.GetValue<string>(), conversation["token"]?.GetValue<string>() ?? token };
        });
        if (opened is not [var id, var bearer])
        {
            return new Outcome(false, n, null, retries);
        }

        // The opening question (a store fault on the first read answers 200 with nothing new: poll again).
        var watermark = await UntilAsync(() => NextQuestionAsync(http, id, bearer, "", ct)) is { } first ? first.Watermark : null;
        string? last = null;
        for (var i = 0; i < script.Length && watermark is not null; i++)
        {
            var activity = new
            {
                type = "message",
                text = script[i],
                textFormat = "plain",
                from = new { id = $"fault-{patient}", role = "user" },
                channelData = new { clientActivityID = $"fault-{n}-{i}" },
            };
            var before = watermark;
            var answer = await UntilAsync(async () =>
            {
                using var post = new HttpRequestMessage(HttpMethod.Post, $"v3/directline/conversations/{id}/activities") { Content = JsonContent.Create(activity) };
                post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                using var posted = await http.SendAsync(post, ct);
                if (!posted.IsSuccessStatusCode)
                {
                    return null;
                }

                // Posted (or already posted): read until the answer to it, polling again through read faults.
                var polls = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(polls) < TimeSpan.FromSeconds(10))
                {
                    if (await NextQuestionAsync(http, id, bearer, before, ct) is { } reply)
                    {
                        return reply;
                    }

                    await Task.Delay(20, ct);
                }

                return null;
            });
            watermark = answer?.Watermark;
            last = answer?.Text;
        }

        return new Outcome(false, n, watermark is null || last is null ? null : ReferencePattern().Match(last) is { Success: true } m ? m.Value : null, retries);
    }

    private sealed record Reply(string Watermark, string Text);

    /// <summary>The bot's activities after the watermark up to one that expects input; null until one has arrived.</summary>
    private static async Task<Reply?> NextQuestionAsync(HttpClient http, string id, string bearer, string watermark, CancellationToken ct)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, $"v3/directline/conversations/{id}/activities?watermark={Uri.EscapeDataString(watermark)}");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(get, ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var set = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        var text = new List<string>();
        foreach (var activity in set["activities"]!.AsArray())
        {
            if (activity?["from"]?["role"]?.GetValue<string>() != "bot")
            {
                continue;
            }

            text.Add(activity["text"]?.GetValue<string>() ?? "");
            if (activity["inputHint"]?.GetValue<string>() is { } hint and not "ignoringInput")
            {
                return new Reply(set["watermark"]!.GetValue<string>(), string.Join("\n", text));
            }
        }

        return null;
    }

    private const string PlantedReference = "PLNT-0000";

    /// <summary>What a broken store would leave (<c>--plant-faults</c>): one told request gone, another stored twice.</summary>
    private static void Plant(string database, string lose, string copy)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM requests WHERE reference_id = @lose;
            CREATE TEMP TABLE planted AS SELECT * FROM requests WHERE reference_id = @copy;
            UPDATE planted SET reference_id = @planted;
            INSERT INTO requests SELECT * FROM planted;
            """;
        command.Parameters.AddWithValue("@lose", lose);
        command.Parameters.AddWithValue("@copy", copy);
        command.Parameters.AddWithValue("@planted", PlantedReference);
        command.ExecuteNonQuery();
    }

    private static List<StoredRequest> ReadStored(string database)
    {
        var found = new List<StoredRequest>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT reference_id, document FROM requests;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var match = CasePattern().Match(reader.GetString(1));
            found.Add(new StoredRequest(reader.GetString(0), match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1));
        }

        return found;
    }

    /// <summary>The service in its child process, killed and started again on demand.</summary>
    private sealed class Restartable(Func<Task<ChildProcess>> start) : IAsyncDisposable
    {
        private ChildProcess? _current;

        public int Restarts { get; private set; }

        public async Task StartAsync()
        {
            // A store fault can stop a start (a start-up task's write); start again, as an orchestrator would.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    _current = await start();
                    return;
                }
                catch (InvalidOperationException) when (attempt < 10)
                {
                }
            }
        }

        public async Task KillAndStartAsync()
        {
            if (_current is not null)
            {
                await _current.DisposeAsync();
            }

            Restarts++;
            await StartAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_current is not null)
            {
                await _current.DisposeAsync();
            }
        }
    }
}
