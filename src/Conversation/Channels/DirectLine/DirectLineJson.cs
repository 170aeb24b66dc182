using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>The JSON bodies of Direct Line 3.0 answers, written the way the widget reads them.</summary>
public static class DirectLineJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary><c>{"activities":[...],"watermark":"n"}</c>, with the stored activities written as they are.</summary>
    public static byte[] ActivitySet(IReadOnlyList<string> activities, long watermark)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var buffer = new ArrayBufferWriter<byte>(256 + activities.Sum(a => a.Length));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("activities");
            foreach (var activity in activities)
            {
                writer.WriteRawValue(activity);
            }

            writer.WriteEndArray();
            // The widget keeps its watermark only when it is a non-empty string.
            writer.WriteString("watermark", watermark.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The answer to starting, reconnecting to and refreshing a conversation.</summary>
    public static IResult Conversation(string conversationId, string token, int expiresIn, string? streamUrl, int statusCode = StatusCodes.Status200OK)
    {
        var body = new Dictionary<string, object>
        {
            ["conversationId"] = conversationId,
            ["token"] = token,
            ["expires_in"] = expiresIn,
        };
        if (streamUrl is not null)
        {
            body["streamUrl"] = streamUrl;
        }

        return Results.Json(body, statusCode: statusCode);
    }

    /// <summary>Direct Line's error shape: <c>{"error":{"code":"...","message":"..."}}</c>.</summary>
    public static IResult Error(int statusCode, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: statusCode);
}
