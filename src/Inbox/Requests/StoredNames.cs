using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace PatientContact.Inbox.Requests;

/// <summary>
/// The stored spelling of an enum whose members carry <see cref="JsonStringEnumMemberNameAttribute"/> (the words
/// kept before the value was an enum): the JSON documents use the attribute directly, MongoDB through this.
/// </summary>
public static class StoredNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names = Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, NameOf);
    private static readonly FrozenDictionary<string, TEnum> Values = Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Whether every member of <typeparamref name="TEnum"/> has a stored name of its own.</summary>
    public static bool Declared { get; } = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
        .All(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is not null);

    public static string Of(TEnum value) => Names[value];

    /// <exception cref="FormatException">Not a stored name of <typeparamref name="TEnum"/>.</exception>
    public static TEnum Read(string name) =>
        Values.TryGetValue(name, out var value) ? value : throw new FormatException($"'{name}' is not a stored {typeof(TEnum).Name}.");

    private static string NameOf(TEnum value) =>
        typeof(TEnum).GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();
}
