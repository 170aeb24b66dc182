using System.Text.Json;
using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>The string <c>Properties</c> of one rule (and lists of strings or true/false where allowed), with unknown and missing ones refused.</summary>
internal sealed class RuleProperties
{
    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, IReadOnlyList<string>> _lists;
    private readonly Dictionary<string, bool> _flags;
    private readonly RuleFile _file;

    private RuleProperties(Dictionary<string, string> values, Dictionary<string, IReadOnlyList<string>> lists, Dictionary<string, bool> flags, RuleFile file, string rule)
    {
        _values = values;
        _lists = lists;
        _flags = flags;
        _file = file;
        Rule = rule;
    }

    public string Rule { get; }

    /// <param name="lists">Properties that are lists of strings, like <c>"synonyms": ["doctor", "gp"]</c>.</param>
    /// <param name="flags">Properties that are JSON <c>true</c> or <c>false</c>, like <c>"photos": true</c>.</param>
    public static RuleProperties Read(Rule rule, RuleFile file, IReadOnlyCollection<string> known, IReadOnlyCollection<string>? lists = null, IReadOnlyCollection<string>? flags = null)
    {
        var flagValues = new Dictionary<string, bool>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var listValues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (rule.Properties is null)
        {
            file.Fail(rule.RuleName, $"Properties are missing; expected {string.Join(", ", known)}.");
        }

        foreach (var (key, value) in rule.Properties)
        {
            if (!known.Contains(key))
            {
                file.Fail(rule.RuleName, $"Unknown property '{key}'; expected one of {string.Join(", ", known)}.");
            }

            if (lists?.Contains(key) == true)
            {
                listValues[key] = ReadList(value, key, rule, file);
            }
            else if (flags?.Contains(key) == true)
            {
                if (value is not JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False })
                {
                    file.Fail(rule.RuleName, $"Property '{key}' must be true or false (without quotes).");
                }

                flagValues[key] = ((JsonElement)value).GetBoolean();
            }
            else if (value is JsonElement { ValueKind: JsonValueKind.String } text)
            {
                values[key] = text.GetString()!;
            }
            else
            {
                file.Fail(rule.RuleName, $"Property '{key}' must be a string.");
            }
        }

        return new RuleProperties(values, listValues, flagValues, file, rule.RuleName);
    }

    private static List<string> ReadList(object? value, string key, Rule rule, RuleFile file)
    {
        var items = new List<string>();
        if (value is not JsonElement { ValueKind: JsonValueKind.Array })
        {
            file.Fail(rule.RuleName, $"Property '{key}' must be a list of words, like [\"doctor\", \"gp\"].");
        }

        var array = (JsonElement)value;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                file.Fail(rule.RuleName, $"Property '{key}' must hold only words (non-empty strings).");
            }

            items.Add(item.GetString()!.Trim());
        }

        return items;
    }

    public string Required(string key)
    {
        if (!_values.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
        {
            Fail($"Property '{key}' is missing or empty.");
        }

        return value;
    }

    public string? Optional(string key) => _values.GetValueOrDefault(key);

    /// <summary>A list property; empty when it is absent.</summary>
    public IReadOnlyList<string> List(string key) => _lists.GetValueOrDefault(key) ?? [];

    /// <summary>A true/false property; false when it is absent.</summary>
    public bool Flag(string key) => _flags.GetValueOrDefault(key);

    public string OneOf(string key, IReadOnlyCollection<string> allowed, string? fallback = null)
    {
        var value = fallback is not null && !_values.ContainsKey(key) ? fallback : Required(key);
        if (!allowed.Contains(value))
        {
            Fail($"Property '{key}' is '{value}'; expected one of {string.Join(", ", allowed)}.");
        }

        return value;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Fail(string reason) => _file.Fail(Rule, reason);
}
