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
    public static byte[] Write(IntakeSession session) => JsonSerializer.SerializeToUtf8Bytes(session, Default.IntakeSession);

    /// <summary>
    /// The stored session, with its offered request types found in <paramref name="rules"/> (the session keeps their
    /// ids). Without rules (the purger's reads) the offered types stay unread and are written back as the same ids.
    /// </summary>
    public static IntakeSession Read(byte[] json, Rules.IRuleBook? rules)
    {
        var session = JsonSerializer.Deserialize(json, Default.IntakeSession) ?? throw new JsonException("A stored conversation was empty.");
        if (rules is not null)
        {
            session.FindOfferedTypes(rules);
        }

        return session;
    }

    /// <summary>The replies kept with an applied input, as JSON (see <see cref="ProcessedInput"/>).</summary>
    public static byte[] WriteReplies(IReadOnlyList<BotReply> replies) => JsonSerializer.SerializeToUtf8Bytes(replies, Default.IReadOnlyListBotReply);

    public static IReadOnlyList<BotReply> ReadReplies(byte[] json) =>
        JsonSerializer.Deserialize(json, Default.IReadOnlyListBotReply) ?? throw new JsonException("Kept replies were empty.");
}
