using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PatientContact.Inbox.Tests.Matching.Support;

/// <summary>One request the fake PDS received.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>What the fake answers: a status, a body (usually a fixture file), headers and an optional delay.</summary>
public sealed record FakeAnswer(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    public static FakeAnswer Fixture(string relativePath, int status = 200, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default) =>
        new(status, File.ReadAllText(PdsFixtures.Path(relativePath)), headers, delay);
}

/// <summary>
/// A stand-in for PDS (and its token endpoint) on a real Kestrel at 127.0.0.1, speaking HTTP as PDS does:
/// each test queues the answers, usually the public example responses from the fixtures folder, and reads
/// back what the client sent.
/// </summary>
public sealed class FakePds : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeAnswer> _answers = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private FakePds(WebApplication app) => _app = app;

    /// <summary>The FHIR base, like <c>https://sandbox.api.service.nhs.uk/personal-demographics/FHIR/R4</c>.</summary>
    public Uri BaseUrl => new(Root, "personal-demographics/FHIR/R4");

    public Uri TokenUrl => new(Root, "oauth2/token");

    public Uri Root { get; private set; } = null!;

    /// <summary>Used when the queue is empty; null answers 500.</summary>
    public FakeAnswer? Default { get; set; }

    /// <summary>Answers token requests; null means the default token answer.</summary>
    public Func<ReceivedRequest, FakeAnswer>? TokenAnswer { get; set; }

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public IReadOnlyList<ReceivedRequest> Searches => [.. _received.Where(r => r.Path.EndsWith("/Patient", StringComparison.Ordinal))];

    public IReadOnlyList<ReceivedRequest> TokenRequests => [.. _received.Where(r => r.Path.EndsWith("/oauth2/token", StringComparison.Ordinal))];

    public static async Task<FakePds> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakePds(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Root = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return fake;
    }

    public FakePds Answer(params FakeAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var received = new ReceivedRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value?.TrimStart('?') ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        _received.Enqueue(received);

        FakeAnswer answer;
        if (received.Path.EndsWith("/oauth2/token", StringComparison.Ordinal))
        {
            answer = TokenAnswer?.Invoke(received) ?? new FakeAnswer(200,
                """{"access_token":"Tok3nNumber1","expires_in":"599","token_type":"Bearer","issued_at":"1700000000000"}""");
        }
        else
        {
            answer = _answers.TryDequeue(out var next) ? next : Default ?? new FakeAnswer(500, "{}");
        }

        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/fhir+json";
        if (request.Headers.TryGetValue("X-Request-ID", out var id))
        {
            context.Response.Headers["X-Request-ID"] = id;
        }

        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }
}

/// <summary>The PDS example responses the fake answers with, in <c>tests/Fixtures/pds</c> of this repository.</summary>
public static class PdsFixtures
{
    public static string Root { get; } = Find();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PatientContact.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, "tests", "Fixtures", "pds");
            }
        }

        throw new InvalidOperationException("PatientContact.sln not found above the test folder.");
    }
}
