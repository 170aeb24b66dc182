using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatientContact.LoadGenerator;

/// <summary>
/// Simulated patients in web chat, speaking Direct Line 3.0 in polling mode as the Web Chat widget
/// does: a token from the link page's endpoint, a conversation, then for each answer a posted
/// activity and polls until the service's next question arrives.
/// </summary>
public static class WebChatLoad
{
    private static readonly string[] Script =
    [
        "1", "1", "I have had a cough for two weeks and it is not getting better.", "2", "1", "Jane", "Smith",
        "22/10/2010", "1", "LS1 6AE", "0113 496 0000", "1",
    ];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<Summary> RunAsync(Uri baseAddress, LoadOptions options, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Patients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var recorder = new Recorder();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long requests = 0;
        var workers = Enumerable.Range(0, options.Patients).Select(patient => Task.Run(async () =>
        {
            var latencies = recorder.NewWorkerList();
            var random = new Random(patient);
            var conversationNumber = 0;
            while (!stop.IsCancellationRequested && Interlocked.Read(ref requests) < options.MaxRequests)
            {
                try
                {
                    await ConverseAsync(http, patient, ++conversationNumber, latencies, recorder, random, options, () => Interlocked.Increment(ref requests), stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
                {
                    recorder.Error(ex switch
                    {
                        HttpRequestException h when h.StatusCode is { } code => $"HTTP {(int)code}",
                        HttpRequestException h => $"network: {h.HttpRequestError}",
                        TaskCanceledException => "timeout",
                        _ => ex.Message,
                    });
                }
            }
        }, CancellationToken.None)).ToArray();

        return await Measure.WindowAsync(recorder, options, stop, workers);
    }

    private static async Task ConverseAsync(HttpClient http, int patient, int number, List<double> latencies, Recorder recorder, Random random, LoadOptions options, Func<long> count, CancellationToken ct)
    {
        count();
        using var tokenResponse = await http.PostAsync("c/riverside-gp/token", null, ct);
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>(ct))!["token"]!.GetValue<string>();

        count();
        using var start = new HttpRequestMessage(HttpMethod.Post, "v3/directline/conversations") { Content = JsonContent.Create(new { user = new { id = $"load-{patient}" } }) };
        start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var started = await http.SendAsync(start, ct);
        started.EnsureSuccessStatusCode();
        var conversation = await started.Content.ReadFromJsonAsync<JsonObject>(ct);
        var id = conversation!["conversationId"]!.GetValue<string>();
        token = conversation["token"]?.GetValue<string>() ?? token;

        var watermark = await WaitForQuestionAsync(http, id, token, string.Empty, count, ct);
        var sent = 0;
        foreach (var text in Script)
        {
            var activity = new
            {
                type = "message",
                text,
                textFormat = "plain",
                from = new { id = $"load-{patient}", role = "user" },
                channelData = new { clientActivityID = $"load-{patient}-{number}-{++sent}" },
            };
            var began = Stopwatch.GetTimestamp();
            count();
            using var post = new HttpRequestMessage(HttpMethod.Post, $"v3/directline/conversations/{id}/activities") { Content = JsonContent.Create(activity) };
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var posted = await http.SendAsync(post, ct);
            posted.EnsureSuccessStatusCode();
            watermark = await WaitForQuestionAsync(http, id, token, watermark, count, ct);
            if (recorder.Measuring)
            {
                latencies.Add(Recorder.Elapsed(began));
            }

            if (options.MaxThinkTime > TimeSpan.Zero)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * options.MaxThinkTime.TotalMilliseconds), ct);
            }
        }
    }

    /// <summary>Polls until a bot activity expecting input (a question or the final message) arrives; returns the new watermark.</summary>
    private static async Task<string> WaitForQuestionAsync(HttpClient http, string id, string token, string watermark, Func<long> count, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 20);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            count();
            using var get = new HttpRequestMessage(HttpMethod.Get, $"v3/directline/conversations/{id}/activities?watermark={Uri.EscapeDataString(watermark)}");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(get, ct);
            response.EnsureSuccessStatusCode();
            var set = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            var activities = set!["activities"]!.AsArray();
            watermark = set["watermark"]?.GetValue<string>() ?? watermark;
            foreach (var activity in activities)
            {
                var role = activity?["from"]?["role"]?.GetValue<string>();
                var hint = activity?["inputHint"]?.GetValue<string>();
                if (role == "bot" && hint is not null and not "ignoringInput")
                {
                    return watermark;
                }
            }

            await Task.Delay(PollInterval, ct);
        }

        throw new InvalidOperationException("no reply within 20 s");
    }
}
