using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PatientContact.EndToEnd.Tests.Fhir;

/// <summary>
/// A GP system's webhook endpoint on 127.0.0.1: it keeps every post (headers, raw body, when it came) and answers
/// each with the next status of its script (503 first, say), then 200 once the script runs out.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers;

    private WebhookReceiver(WebApplication app, IEnumerable<int> answers)
    {
        _app = app;
        _answers = new ConcurrentQueue<int>(answers);
    }

    public sealed record Post(DateTimeOffset At, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answered);

    public ConcurrentQueue<Post> Posts { get; } = new();

    public Uri Url => new(_app.Urls.First().TrimEnd('/') + "/fhir-inbox");

    /// <summary>Starts on a free port, or on <paramref name="port"/> (to come back where it was).</summary>
    public static async Task<WebhookReceiver> StartAsync(IEnumerable<int> answers, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, answers);
        app.MapPost("/fhir-inbox", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> posts have come; fails after <paramref name="within"/>.</summary>
    public async Task<IReadOnlyList<Post>> WaitForAsync(int count, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (Posts.Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{Posts.Count} of {count} webhook posts came within {within}.");
            }

            await Task.Delay(50);
        }

        return [.. Posts];
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var status = _answers.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Posts.Enqueue(new Post(DateTimeOffset.UtcNow, headers, body.ToArray(), status));
        return Results.StatusCode(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
