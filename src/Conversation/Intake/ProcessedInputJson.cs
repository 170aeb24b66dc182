using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Reads and writes a <see cref="ProcessedInput"/> as <c>{"id": ..., "replies": [...]}</c>, the shape it always had,
/// copying the replies' JSON through unread in both directions.
/// </summary>
internal sealed class ProcessedInputJson : JsonConverter<ProcessedInput>
{
    private const string IdName = "id";
    private const string RepliesName = "replies";

    public override ProcessedInput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A kept input is not an object.");
        }

        string? id = null;
        byte[]? replies = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isId = reader.ValueTextEquals(IdName);
            var isReplies = !isId && reader.ValueTextEquals(RepliesName);
            reader.Read();
            if (isId)
            {
                id = reader.GetString();
            }
            else if (isReplies && reader.TokenType == JsonTokenType.StartArray)
            {
                replies = SessionJson.RawValue(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return ProcessedInput.FromJson(id ?? throw new JsonException("A kept input has no id."), replies ?? "[]"u8.ToArray());
    }

    public override void Write(Utf8JsonWriter writer, ProcessedInput value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString(IdName, value.Id);
        writer.WritePropertyName(RepliesName);
        writer.WriteRawValue(value.Json, skipInputValidation: true);
        writer.WriteEndObject();
    }
}
