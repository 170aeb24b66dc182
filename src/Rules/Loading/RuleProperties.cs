using System.Text.Json;
using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>The string <c>Properties</c> of one rule, with unknown and missing ones refused.</summary>
internal sealed class RuleProperties
{
    private readonly Dictionary<string, string> _values;
    private readonly RuleFile _file;

    private RuleProperties(Dictionary<string, string> values, RuleFile file, string rule)
    {
        _values = values;
        _file = file;
        Rule = rule;
    }

    public string Rule { get; }

    public static RuleProperties Read(Rule rule, RuleFile file, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
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

            if (value is JsonElement { ValueKind: JsonValueKind.String } text)
            {
                values[key] = text.GetString()!;
            }
            else
            {
                file.Fail(rule.RuleName, $"Property '{key}' must be a string.");
            }
        }

        return new RuleProperties(values, file, rule.RuleName);
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
