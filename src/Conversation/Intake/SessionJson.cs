using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientContact.Conversation.Intake;

/// <summary>How a session is written to the conversation store (source-generated: no reflection per turn).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IntakeSession))]
[JsonSerializable(typeof(IReadOnlyList<BotReply>))]
internal sealed partial class SessionJson : JsonSerializerContext
{
    /// <summary>The stored session being read on this thread, for <see cref="RawValue"/>; null otherwise.</summary>
    [ThreadStatic]
    private static byte[]? t_reading;

    public static byte[] Write(IntakeSession session) => JsonSerializer.SerializeToUtf8Bytes(session, Default.IntakeSession);

    /// <summary>
    /// The stored session, with its offered request types found in <paramref name="rules"/> (the session keeps their
    /// ids). Without rules (the purger's reads) the offered types stay unread and are written back as the same ids.
    /// </summary>
    public static IntakeSession Read(byte[] json, Rules.IRuleBook? rules)
    {
        IntakeSession? session;
        t_reading = json;
        try
        {
            session = JsonSerializer.Deserialize(json, Default.IntakeSession) ?? throw new JsonException("A stored conversation was empty.");
        }
        finally
        {
            t_reading = null;
        }

        if (rules is not null)
        {
            session.FindOfferedTypes(rules);
        }

        return session;
    }

    /// <summary>
    /// The JSON value at <paramref name="reader"/> (an array or object), as its bytes, with the reader left on its
    /// last token. Within <see cref="Read"/> those bytes are sliced from the stored session (the reader runs over that
    /// one array, so its token positions are positions in it): no document is built to copy them out.
    /// </summary>
    internal static byte[] RawValue(ref Utf8JsonReader reader)
    {
        if (t_reading is { } source && !reader.HasValueSequence && reader.TokenStartIndex < source.Length
            && source[(int)reader.TokenStartIndex] == (reader.TokenType == JsonTokenType.StartArray ? (byte)'[' : (byte)'{'))
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            return source.AsSpan(start, (int)reader.BytesConsumed - start).ToArray();
        }

        using var value = JsonDocument.ParseValue(ref reader);
        return System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value.RootElement).ToArray();
    }

    /// <summary>The replies kept with an applied input, as JSON (see <see cref="ProcessedInput"/>).</summary>
    public static byte[] WriteReplies(IReadOnlyList<BotReply> replies) => JsonSerializer.SerializeToUtf8Bytes(replies, Default.IReadOnlyListBotReply);

    public static IReadOnlyList<BotReply> ReadReplies(byte[] json) =>
        JsonSerializer.Deserialize(json, Default.IReadOnlyListBotReply) ?? throw new JsonException("Kept replies were empty.");
}
