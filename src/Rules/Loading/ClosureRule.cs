using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>When a service reopens after a closure rule matched.</summary>
internal enum Reopening
{
    /// <summary>The next moment within opening hours (or the next day's, if within them now).</summary>
    NextOpening,

    /// <summary>The first moment within opening hours from the start of tomorrow.</summary>
    NextDay,

    /// <summary>Not said.</summary>
    Unknown,
}

/// <summary>A rule of <c>availability.json</c>: if it matches, the service is closed for this reason.</summary>
internal sealed record ClosureRule(string Reason, MessageTemplate Message, Reopening Reopens)
{
    private static readonly string[] Keys = ["reason", "message", "reopens"];
    private static readonly string[] ReopensValues = ["next-opening", "next-day", "unknown"];

    public static Dictionary<string, ClosureRule> Read(Workflow workflow, RuleFile file)
    {
        var rules = new Dictionary<string, ClosureRule>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules)
        {
            var properties = RuleProperties.Read(rule, file, Keys);
            var reason = properties.Required("reason");
            var message = MessageTemplate.Parse(properties.Required("message"), properties, "message");
            var reopens = properties.OneOf("reopens", ReopensValues, fallback: "next-opening") switch
            {
                "next-day" => Reopening.NextDay,
                "unknown" => Reopening.Unknown,
                _ => Reopening.NextOpening,
            };
            rules[rule.RuleName] = new ClosureRule(reason, message, reopens);
        }

        return rules;
    }
}
