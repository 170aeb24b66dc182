using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Messaging;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// <c>POST /sms/twilio</c>: Twilio's messaging webhook. The signature is checked against the public
/// URL before anything else is read or stored; the answer is TwiML.
/// </summary>
public static partial class TwilioWebhook
{
    public const string Path = "/sms/twilio";

    /// <summary>Twilio's webhook bodies are a few kilobytes; anything far larger is not from Twilio.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapTwilioWebhook(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, HandleAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        IOptions<TwilioOptions> twilio,
        IOptions<SmsWebhookOptions> webhook,
        SmsConversation sms,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioWebhook).FullName!);
        var request = http.Request;
        var authToken = twilio.Value.AuthToken;
        var publicBaseUrl = webhook.Value.PublicBaseUrl;
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(publicBaseUrl))
        {
            LogNotConfigured(logger);
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!IsUrlEncodedForm(request.ContentType) || request.ContentLength > MaxBodyBytes)
        {
            LogRejected(logger, "not a form of the expected size");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var fields = await ReadFormAsync(request, cancellationToken);
        if (fields is null)
        {
            LogRejected(logger, "unreadable or oversized form");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var url = publicBaseUrl.TrimEnd('/') + Path + request.QueryString.Value;
        if (!TwilioSignature.IsValid(authToken, request.Headers[TwilioSignature.Header], url, fields))
        {
            LogRejected(logger, request.Headers.ContainsKey(TwilioSignature.Header) ? "signature does not match" : "no signature");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        // Signed by Twilio from here on.
        string Field(string name) => fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.Ordinal)).Value ?? string.Empty;
        string messageSid = Field("MessageSid"), from = Field("From"), to = Field("To");
        if (messageSid.Length is 0 or > 64 || !E164().IsMatch(from) || !E164().IsMatch(to))
        {
            LogRejected(logger, "MessageSid, From or To missing or malformed");
            return Results.Text("MessageSid, From and To (E.164) are required.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var numMedia = int.TryParse(Field("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var media) ? media : 0;
        var reply = await sms.HandleAsync(new InboundSms(messageSid, from, to, Field("Body"), numMedia), cancellationToken);
        return Results.Bytes(Twiml.Render(reply?.Text), Twiml.ContentType);
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The form's fields in the order sent, names exactly as sent: ASP.NET's form collection folds
    /// names that differ only in case together, but Twilio signs them as distinct. Null when the
    /// body is larger than <see cref="MaxBodyBytes"/> or not a readable form.
    /// </summary>
    private static async Task<List<KeyValuePair<string, string>>?> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        string body;
        try
        {
            body = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var fields = new List<KeyValuePair<string, string>>();
        try
        {
            using var reader = new FormReader(body);
            while (reader.ReadNextPair() is { } pair)
            {
                fields.Add(pair);
            }
        }
        catch (InvalidDataException)
        {
            return null;
        }

        return fields;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook refused (403): {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Twilio webhook refused (403): PublicBaseUrl or Twilio:AuthToken is not set, so no signature can be checked")]
    private static partial void LogNotConfigured(ILogger logger);
}

/// <summary>The public address Twilio calls (<c>PublicBaseUrl</c>), which its signatures are made over.</summary>
public sealed class SmsWebhookOptions
{
    /// <summary>e.g. <c>https://contact.example.nhs.uk</c>; what Twilio sees, not what a proxy forwards.</summary>
    public string? PublicBaseUrl { get; set; }
}
