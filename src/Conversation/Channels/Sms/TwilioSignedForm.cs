using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// Reads a form Twilio posted (the messaging webhook, a delivery report) and checks its signature against the
/// public URL before anything in it is used: 403 when the settings to check it are missing, when it is not a form
/// of the expected size, or when the signature does not match.
/// </summary>
public static partial class TwilioSignedForm
{
    /// <summary>Twilio's webhook bodies are a few kilobytes; anything far larger is not from Twilio.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>The form's fields, names exactly as sent, or the refusal to answer with.</summary>
    public static async Task<(List<KeyValuePair<string, string>>? Fields, IResult? Refused)> ReadAsync(
        HttpContext http, string path, TwilioOptions twilio, PublicAddressOptions webhook, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(twilio);
        ArgumentNullException.ThrowIfNull(webhook);
        var request = http.Request;
        var authToken = twilio.AuthToken;
        // The address Twilio calls and signs, as it was set: what Twilio sees, not what a proxy forwards.
        var publicBaseUrl = webhook.PublicBaseUrl;
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(publicBaseUrl))
        {
            LogNotConfigured(logger, path);
            return (null, Results.StatusCode(StatusCodes.Status403Forbidden));
        }

        if (!IsUrlEncodedForm(request.ContentType) || request.ContentLength > MaxBodyBytes)
        {
            LogRejected(logger, path, "not a form of the expected size");
            return (null, Results.StatusCode(StatusCodes.Status403Forbidden));
        }

        var fields = await ReadFormAsync(request, cancellationToken);
        if (fields is null)
        {
            LogRejected(logger, path, "unreadable or oversized form");
            return (null, Results.StatusCode(StatusCodes.Status403Forbidden));
        }

        var url = publicBaseUrl.TrimEnd('/') + path + request.QueryString.Value;
        if (!TwilioSignature.IsValid(authToken, request.Headers[TwilioSignature.Header], url, fields))
        {
            LogRejected(logger, path, request.Headers.ContainsKey(TwilioSignature.Header) ? "signature does not match" : "no signature");
            return (null, Results.StatusCode(StatusCodes.Status403Forbidden));
        }

        return (fields, null);
    }

    /// <summary>The first value of a field, or empty when it was not sent.</summary>
    public static string Field(IReadOnlyList<KeyValuePair<string, string>> fields, string name) =>
        fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.Ordinal)).Value ?? string.Empty;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio post to {Path} refused (403): {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Twilio post to {Path} refused (403): PublicBaseUrl or Twilio:AuthToken is not set, so no signature can be checked")]
    private static partial void LogNotConfigured(ILogger logger, string path);
}
