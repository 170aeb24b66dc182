using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// A stand-in for Twilio's REST API on 127.0.0.1, speaking its protocol: the Messages resource
/// (<c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form fields, Basic auth), answering 201
/// with a message resource, or with what a test scripts (429, 500, 400 with an error code). It records
/// every request, so tests see exactly what reached "Twilio".
/// </summary>
public sealed class TwilioApiFake : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedAnswer> _script = new();
    private readonly ConcurrentQueue<TwilioApiRequest> _requests = new();

    private TwilioApiFake(WebApplication app, string accountSid, string authToken)
    {
        _app = app;
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    public string AccountSid { get; }
    public string AuthToken { get; }
    public Uri BaseUrl => new(_app.Urls.First());

    /// <summary>Every request received, in order, including refused ones.</summary>
    public IReadOnlyList<TwilioApiRequest> Requests => [.. _requests];

    /// <summary>The texts it took (answered 201).</summary>
    public IReadOnlyList<TwilioApiRequest> Accepted => [.. _requests.Where(r => r.Answer == 201)];

    /// <summary>When set, every request is answered with this status until cleared (a Twilio outage).</summary>
    public int? Outage { get; set; }

    public static async Task<TwilioApiFake> StartAsync(string? accountSid = null, string? authToken = null)
    {
        accountSid ??= "AC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        authToken ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new TwilioApiFake(app, accountSid, authToken);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", fake.HandleAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{messageSid}/Media/{mediaSid}", fake.GetMedia);
        app.MapDelete("/2010-04-01/Accounts/{accountSid}/Messages/{messageSid}/Media/{mediaSid}.json", fake.DeleteMedia);
        app.MapFallback(() => Refuse(404, 20404, "The requested resource was not found"));
        await app.StartAsync();
        return fake;
    }

    /// <summary>MMS media the fake holds, by media SID, as Twilio keeps a received picture until it is deleted.</summary>
    public ConcurrentDictionary<string, (string MessageSid, byte[] Content, string ContentType)> Media { get; } = new();

    /// <summary>Holds a picture as Twilio would for a received MMS and returns its <c>MediaUrl</c>.</summary>
    public string AddMedia(string messageSid, byte[] content, string contentType = "image/jpeg")
    {
        var mediaSid = "ME" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Media[mediaSid] = (messageSid, content, contentType);
        return $"{BaseUrl.ToString().TrimEnd('/')}/2010-04-01/Accounts/{AccountSid}/Messages/{messageSid}/Media/{mediaSid}";
    }

    /// <summary>Media answered with a 307 to another address, as Twilio sends a media GET on to its content store.</summary>
    public ConcurrentDictionary<string, string> MediaRedirects { get; } = new();

    /// <summary>A media URL whose GET is answered with a 307 to <paramref name="to"/> (the media stays until deleted).</summary>
    public string AddRedirectedMedia(string messageSid, string to)
    {
        var url = AddMedia(messageSid, [], "image/jpeg");
        MediaRedirects[url[(url.LastIndexOf('/') + 1)..]] = to;
        return url;
    }

    private IResult GetMedia(HttpContext http, string accountSid, string messageSid, string mediaSid)
    {
        var received = new TwilioApiRequest("GET", http.Request.Path.Value ?? string.Empty, http.Request.Headers.Authorization.ToString(), string.Empty, new Dictionary<string, string>(), 0);
        if (!Authorized(received.Authorization) || accountSid != AccountSid)
        {
            return Record(received, Refuse(401, 20003, "Authenticate"), 401);
        }

        if (MediaRedirects.TryGetValue(mediaSid, out var to))
        {
            return Record(received, Results.Redirect(to, permanent: false, preserveMethod: true), 307);
        }

        return Media.TryGetValue(mediaSid, out var media) && media.MessageSid == messageSid
            ? Record(received, Results.Bytes(media.Content, media.ContentType), 200)
            : Record(received, Refuse(404, 20404, "The requested resource was not found"), 404);
    }

    private IResult DeleteMedia(HttpContext http, string accountSid, string messageSid, string mediaSid)
    {
        var received = new TwilioApiRequest("DELETE", http.Request.Path.Value ?? string.Empty, http.Request.Headers.Authorization.ToString(), string.Empty, new Dictionary<string, string>(), 0);
        if (!Authorized(received.Authorization) || accountSid != AccountSid)
        {
            return Record(received, Refuse(401, 20003, "Authenticate"), 401);
        }

        return Media.TryRemove(mediaSid, out _)
            ? Record(received, Results.NoContent(), 204)
            : Record(received, Refuse(404, 20404, "The requested resource was not found"), 404);
    }

    private bool Authorized(string authorization) =>
        authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));

    /// <summary>The next request gets this answer instead of 201 (in the order scripted).</summary>
    public void ThenAnswer(int status, int? errorCode = null, string? message = null, TimeSpan? retryAfter = null) =>
        _script.Enqueue(new ScriptedAnswer(status, errorCode, message, retryAfter, null));

    /// <summary>The next request gets no answer for <paramref name="delay"/> (recorded with answer 0), as a hung API would.</summary>
    public void ThenStall(TimeSpan delay) => _script.Enqueue(new ScriptedAnswer(0, null, null, null, delay));

    /// <summary>Waits (up to <paramref name="timeout"/>) until at least <paramref name="count"/> requests arrived.</summary>
    public async Task<IReadOnlyList<TwilioApiRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_requests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext http, string accountSid)
    {
        var request = http.Request;
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var received = new TwilioApiRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.Headers.Authorization.ToString(),
            request.ContentType ?? string.Empty,
            form,
            0);

        var expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (received.Authorization != expectedAuth || accountSid != AccountSid)
        {
            return Record(received, Refuse(401, 20003, "Authenticate"), 401);
        }

        if (Outage is { } outage)
        {
            return Record(received, Refuse(outage, null, "Service unavailable"), outage);
        }

        if (_script.TryDequeue(out var scripted))
        {
            if (scripted.Stall is { } stall)
            {
                Record(received, Results.Empty, 0);
                try
                {
                    await Task.Delay(stall, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up, as it should.
                }

                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            }

            if (scripted.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Record(received, Refuse(scripted.Status, scripted.ErrorCode, scripted.Message ?? "Scripted failure"), scripted.Status);
        }

        if (!form.ContainsKey("To") || !form.ContainsKey("Body") || !(form.ContainsKey("From") || form.ContainsKey("MessagingServiceSid")))
        {
            return Record(received, Refuse(400, 21604, "A 'To', 'Body' and 'From' are required"), 400);
        }

        var sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        var resource = new Dictionary<string, object?>
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = form["Body"],
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = form.GetValueOrDefault("From"),
            ["messaging_service_sid"] = form.GetValueOrDefault("MessagingServiceSid"),
            ["num_media"] = "0",
            ["num_segments"] = "1",
            ["price"] = null,
            ["price_unit"] = "GBP",
            ["sid"] = sid,
            ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}/Media.json" },
            ["to"] = form["To"],
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json",
        };
        return Record(received with { Sid = sid }, Results.Json(resource, statusCode: StatusCodes.Status201Created), 201);
    }

    private IResult Record(TwilioApiRequest request, IResult result, int status)
    {
        _requests.Enqueue(request with { Answer = status });
        return result;
    }

    private static IResult Refuse(int status, int? code, string message)
    {
        // Twilio's error body: {code, message, more_info, status}.
        return Results.Json(
            new Dictionary<string, object?>
            {
                ["code"] = code,
                ["message"] = message,
                ["more_info"] = code is null ? null : $"https://www.twilio.com/docs/errors/{code}",
                ["status"] = status,
            },
            statusCode: status);
    }

    private sealed record ScriptedAnswer(int Status, int? ErrorCode, string? Message, TimeSpan? RetryAfter, TimeSpan? Stall);
}

/// <summary>One request the fake Twilio API received, and the status it answered.</summary>
public sealed record TwilioApiRequest(
    string Method,
    string Path,
    string Authorization,
    string ContentType,
    IReadOnlyDictionary<string, string> Form,
    int Answer,
    string? Sid = null);
