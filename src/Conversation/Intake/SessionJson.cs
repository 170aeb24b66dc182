using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientContact.Conversation.Intake;

/// <summary>How a session is written to the conversation store (source-generated: no reflection per turn).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IntakeSession))]
internal sealed partial class SessionJson : JsonSerializerContext
{
    public static string Write(IntakeSession session) => JsonSerializer.Serialize(session, Default.IntakeSession);

    public static IntakeSession Read(string json) =>
        JsonSerializer.Deserialize(json, Default.IntakeSession) ?? throw new JsonException("A stored conversation was empty.");
}
