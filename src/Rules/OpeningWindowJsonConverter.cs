using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientContact.Rules;

/// <summary>Writes an <see cref="OpeningWindow"/> as <c>{"day":"Monday","opens":"08:00","closes":"18:30"}</c>, with "24:00" for midnight.</summary>
public sealed class OpeningWindowJsonConverter : JsonConverter<OpeningWindow>
{
    public override OpeningWindow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An opening window is an object with day, opens and closes.");
        }

        string? day = null, opens = null, closes = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            switch (name?.ToLowerInvariant())
            {
                case "day": day = value; break;
                case "opens": opens = value; break;
                case "closes": closes = value; break;
                default: throw new JsonException($"Unknown key '{name}' in an opening window; expected day, opens, closes.");
            }
        }

        if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var dayOfWeek) || !Enum.IsDefined(dayOfWeek) || int.TryParse(day, out _))
        {
            throw new JsonException($"'{day}' is not a day of the week.");
        }

        var window = OpeningTimes.TryParseWindow(dayOfWeek, opens, closes, out var error);
        return window ?? throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, OpeningWindow value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("day", value.Day.ToString());
        writer.WriteString("opens", value.Opens.ToString("HH:mm", CultureInfo.InvariantCulture));
        writer.WriteString("closes", value.UntilMidnight ? "24:00" : value.Closes.ToString("HH:mm", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }
}
