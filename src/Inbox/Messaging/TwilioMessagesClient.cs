using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Messaging;

/// <summary>One text for Twilio's Messages resource.</summary>
public sealed record TwilioMessage(string To, string From, string Body, int? ValidityPeriodSeconds = null);

/// <summary>What Twilio made of a send.</summary>
public abstract record TwilioSendResult
{
    /// <summary>201: Twilio took the message; <paramref name="Sid"/> is its id (<c>SM...</c>).</summary>
    public sealed record Accepted(string? Sid, string? Status) : TwilioSendResult;

    /// <summary>Worth trying again later: 429, 5xx, a timeout or a broken connection.</summary>
    public sealed record Transient(string Reason, TimeSpan? RetryAfter) : TwilioSendResult;

    /// <summary>Refused for good (4xx): retrying would be refused again.</summary>
    public sealed record Rejected(int HttpStatus, int? ErrorCode) : TwilioSendResult;
}

/// <summary>
/// Twilio's REST API for sending a text: <c>POST {ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>
/// with HTTP Basic auth and form fields. Written against the protocol because no Twilio .NET package is used.
/// </summary>
public sealed class TwilioMessagesClient(HttpClient http, IOptions<TwilioOptions> options, TimeProvider time)
{
    /// <param name="timeout">Wall-clock limit on the call; running out counts as a transient failure.</param>
    public async Task<TwilioSendResult> SendAsync(TwilioMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var twilio = options.Value;
        if (string.IsNullOrEmpty(twilio.AccountSid) || string.IsNullOrEmpty(twilio.AuthToken))
        {
            throw new InvalidOperationException("Twilio:AccountSid and Twilio:AuthToken must be set to send texts.");
        }

        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", message.To),
            new("From", message.From),
            new("Body", message.Body),
        };
        if (message.ValidityPeriodSeconds is { } validity)
        {
            fields.Add(new("ValidityPeriod", validity.ToString(CultureInfo.InvariantCulture)));
        }

        var baseUrl = new Uri(twilio.ApiBaseUrl.AbsoluteUri.TrimEnd('/') + "/");
        var uri = new Uri(baseUrl, $"2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, limit.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return new TwilioSendResult.Transient($"connection failed ({e.HttpRequestError})", null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TwilioSendResult.Transient("timed out", null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var (sid, state) = await ReadMessageAsync(response, limit.Token).ConfigureAwait(false);
                return new TwilioSendResult.Accepted(sid, state);
            }

            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500)
            {
                return new TwilioSendResult.Transient($"HTTP {status}", RetryAfter(response));
            }

            return new TwilioSendResult.Rejected(status, await ReadErrorCodeAsync(response, limit.Token).ConfigureAwait(false));
        }
    }

    private static async Task<(string? Sid, string? Status)> ReadMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            return (String(json.RootElement, "sid"), String(json.RootElement, "status"));
        }
        catch (Exception e) when (e is JsonException or OperationCanceledException or HttpRequestException)
        {
            // Twilio took it; a body we cannot read must not make us send it again.
            return (null, null);
        }
    }

    private static async Task<int?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt32(out var value)
                ? value
                : null;
        }
        catch (Exception e) when (e is JsonException or OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
}
