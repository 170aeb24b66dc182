using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>How values are written to and read from SQLite columns, the same way everywhere.</summary>
internal static class SqliteValues
{
    // Fixed width, UTC, to the tick: text order is time order, and nothing is rounded away.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Documents: camelCase names, enums as camelCase strings, strict on read.</summary>
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ReadTime(string value) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Utc));

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The same spelling as in the JSON documents.</summary>
    public static string Enum<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static TEnum ReadEnum<TEnum>(string value) where TEnum : struct, Enum =>
        System.Enum.Parse<TEnum>(value, ignoreCase: true);

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Adds one parameter per value (<c>@service0</c>, <c>@service1</c>, ...) and returns them for an <c>IN (...)</c> list.</summary>
    public static string WithList(this SqliteCommand command, string name, IReadOnlyList<string> values)
    {
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = $"@{name}{i}";
            command.With(names[i], values[i]);
        }

        return string.Join(", ", names);
    }

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Clamps a caller's limit so one call cannot read a whole table.</summary>
    public static int Limit(int requested, int max = 1000) => Math.Clamp(requested, 0, max);

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
