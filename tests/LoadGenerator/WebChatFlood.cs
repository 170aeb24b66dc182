using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PatientContact.LoadGenerator;

/// <summary>What the flood sent and how each post was answered.</summary>
public sealed record FloodSummary(int Rounds, long Posts, IReadOnlyDictionary<int, long> Statuses, long NetworkErrors)
{
    public string StatusText => string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Value:N0} x {s.Key}"));
}

/// <summary>
/// One hostile client beside the patients, as issue 19's probe found it: a token, a conversation, then 300 messages
/// of 32 KB as fast as 8 connections take them, and 200 more posted at once to the same conversation; then a new
/// token and again, until the patients' measurement ends. Bounded: at most <see cref="MaxRounds"/> rounds.
/// </summary>
public static class WebChatFlood
{
    private const int MaxRounds = 1000;
    private const int Sequential = 300;
    private const int AtOnce = 200;
    private const int Connections = 8;
    private static readonly string Big = new('x', 32 * 1024);

    public static async Task<FloodSummary> RunAsync(Uri baseAddress, CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = AtOnce };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var statuses = new ConcurrentDictionary<int, long>();
        long posts = 0, network = 0;
        var rounds = 0;
        while (!stop.IsCancellationRequested && rounds < MaxRounds)
        {
            rounds++;
            try
            {
                var (id, token) = await StartAsync(http, stop);
                var next = 0;
                await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
                {
                    while (Interlocked.Increment(ref next) <= Sequential && !stop.IsCancellationRequested)
                    {
                        await PostAsync(http, id, token, next, statuses, () => Interlocked.Increment(ref network), stop);
                        Interlocked.Increment(ref posts);
                    }
                })));
                await Task.WhenAll(Enumerable.Range(Sequential, AtOnce).Select(async i =>
                {
                    await PostAsync(http, id, token, i, statuses, () => Interlocked.Increment(ref network), stop);
                    Interlocked.Increment(ref posts);
                }));
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
            {
                // The measurement ended mid-round, or a token was refused: the next round tries again.
            }
        }

        return new FloodSummary(rounds, posts, statuses, network);
    }

    private static async Task<(string Id, string Token)> StartAsync(HttpClient http, CancellationToken ct)
    {
        using var tokenResponse = await http.PostAsync("c/riverside-gp/token", null, ct);
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>(ct))!["token"]!.GetValue<string>();
        using var start = new HttpRequestMessage(HttpMethod.Post, "v3/directline/conversations") { Content = JsonContent.Create(new { user = new { id = "flood" } }) };
        start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var started = await http.SendAsync(start, ct);
        started.EnsureSuccessStatusCode();
        var conversation = (await started.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        return (conversation["conversationId"]!.GetValue<string>(), conversation["token"]?.GetValue<string>() ?? token);
    }

    private static async Task PostAsync(HttpClient http, string id, string token, int n, ConcurrentDictionary<int, long> statuses, Action networkError, CancellationToken ct)
    {
        var activity = new { type = "message", text = Big, from = new { id = "flood", role = "user" }, channelData = new { clientActivityID = $"flood-{id}-{n}" } };
        using var post = new HttpRequestMessage(HttpMethod.Post, $"v3/directline/conversations/{id}/activities") { Content = JsonContent.Create(activity) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var answer = await http.SendAsync(post, ct);
            statuses.AddOrUpdate((int)answer.StatusCode, 1, (_, c) => c + 1);
        }
        catch (HttpRequestException)
        {
            // A post refused by its length is sometimes cut off before its answer is read.
            networkError();
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            networkError();
        }
    }
}
