using System.Collections;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>
/// Reads one RulesEngine workflow file, refusing what the engine would silently ignore: unknown keys
/// (a <c>SuccessMessage</c> typo, a camel-cased <c>ruleName</c>), missing names and expressions, duplicates.
/// </summary>
internal static class WorkflowFileReader
{
    private static readonly JsonSerializerOptions SerializerOptions = new() { Converters = { new JsonStringEnumConverter() } };
    private static readonly string[] NestedOperators = ["And", "AndAlso", "Or", "OrElse"];

    // Keys each RulesEngine model accepts, read from the engine's own types so a new version's keys are known too.
    private static readonly FrozenDictionary<Type, string[]> KnownKeys = new[]
    {
        typeof(Workflow), typeof(Rule), typeof(ScopedParam), typeof(RuleActions), typeof(ActionInfo),
    }.ToFrozenDictionary(type => type, type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .Select(p => p.Name)
        .ToArray());

    public static Workflow Read(JsonElement root, RuleFile file)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            file.Fail(null, "Expected one workflow object: {\"WorkflowName\": ..., \"Rules\": [...]}.");
        }

        file.CheckKeys(root, [.. KnownKeys[typeof(Workflow)], "$schema"], rule: null);
        CheckNested(root, typeof(Workflow), file, rule: null, where: "");
        if (!root.TryGetProperty("WorkflowName", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
        {
            file.Fail(null, "WorkflowName is missing or empty.");
        }

        if (!root.TryGetProperty("Rules", out var rules) || rules.ValueKind != JsonValueKind.Array || rules.GetArrayLength() == 0)
        {
            file.Fail(null, "Rules must be a list of at least one rule.");
        }

        CheckExpressionType(root, file, rule: null);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var rule in rules.EnumerateArray())
        {
            var ruleName = CheckRule(rule, file, $"Rules[{index++}]", topLevelName: null);
            if (!names.Add(ruleName))
            {
                file.Fail(ruleName, "Another rule in this file has the same RuleName.");
            }
        }

        try
        {
            return root.Deserialize<Workflow>(SerializerOptions) ?? throw new JsonException("The workflow is null.");
        }
        catch (JsonException ex)
        {
            file.Fail(null, $"The workflow does not fit RulesEngine's format: {ex.Message}", ex);
            throw;
        }
    }

    /// <summary>Checks a rule (and its nested rules) and returns its name.</summary>
    private static string CheckRule(JsonElement rule, RuleFile file, string position, string? topLevelName)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            file.Fail(topLevelName ?? position, "A rule must be an object.");
        }

        var hasName = rule.TryGetProperty("RuleName", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(nameElement.GetString());
        var label = topLevelName ?? (hasName ? nameElement.GetString()! : position);
        var where = topLevelName is null ? "" : $"nested rule {(hasName ? $"'{nameElement.GetString()}'" : position)}";
        file.CheckKeys(rule, KnownKeys[typeof(Rule)], label, where);
        CheckNested(rule, typeof(Rule), file, label, where);
        if (!hasName)
        {
            file.Fail(label, $"RuleName is missing or empty{(where.Length > 0 ? $" in {where}" : "")}.");
        }

        CheckExpressionType(rule, file, label);
        var nested = rule.TryGetProperty("Rules", out var children) && children.ValueKind == JsonValueKind.Array && children.GetArrayLength() > 0;
        if (nested)
        {
            var op = rule.TryGetProperty("Operator", out var opElement) && opElement.ValueKind == JsonValueKind.String ? opElement.GetString() : null;
            if (op is null || !NestedOperators.Contains(op))
            {
                file.Fail(label, $"A rule with nested Rules needs Operator, one of {string.Join(", ", NestedOperators)}.");
            }

            var index = 0;
            foreach (var child in children.EnumerateArray())
            {
                CheckRule(child, file, $"Rules[{index++}]", label);
            }
        }
        else if (!rule.TryGetProperty("Expression", out var expression) || expression.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(expression.GetString()))
        {
            file.Fail(label, $"Expression is missing or empty{(where.Length > 0 ? $" in {where}" : "")}.");
        }

        return label;
    }

    private static void CheckExpressionType(JsonElement element, RuleFile file, string? rule)
    {
        if (element.TryGetProperty("RuleExpressionType", out var type)
            && !(type.ValueKind == JsonValueKind.String && type.GetString() == nameof(RuleExpressionType.LambdaExpression)))
        {
            file.Fail(rule, $"RuleExpressionType must be \"LambdaExpression\", not {type.GetRawText()}.");
        }
    }

    /// <summary>Refuses unknown keys inside parameter and action objects too.</summary>
    private static void CheckNested(JsonElement element, Type type, RuleFile file, string? rule, string where)
    {
        foreach (var property in element.EnumerateObject())
        {
            var info = type.GetProperty(property.Name);
            if (info is null || property.Name == "Rules")
            {
                continue;
            }

            var itemType = ItemType(info.PropertyType);
            if (!KnownKeys.TryGetValue(itemType, out var keys))
            {
                continue;
            }

            var place = where.Length == 0 ? property.Name : $"{where} {property.Name}";
            IEnumerable<JsonElement> objects = property.Value.ValueKind switch
            {
                JsonValueKind.Object => [property.Value],
                JsonValueKind.Array => property.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object),
                _ => [],
            };
            foreach (var value in objects)
            {
                file.CheckKeys(value, keys, rule, place);
                CheckNested(value, itemType, file, rule, place);
            }
        }
    }

    private static Type ItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return type;
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0] ?? type;
    }
}
