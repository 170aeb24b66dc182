using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>Reads the properties of <c>red-flags.json</c>: id, severity and advice.</summary>
internal static class RedFlagRules
{
    private static readonly string[] Keys = ["id", "severity", "advice"];
    private static readonly string[] Severities = ["emergency", "urgent"];

    public static Dictionary<string, RedFlagMatch> Read(Workflow workflow, RuleFile file)
    {
        var ids = new RuleIds();
        var flags = new Dictionary<string, RedFlagMatch>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules)
        {
            var properties = RuleProperties.Read(rule, file, Keys);
            flags[rule.RuleName] = new RedFlagMatch(ids.Claim(properties), properties.OneOf("severity", Severities), properties.Required("advice"));
        }

        return flags;
    }
}
