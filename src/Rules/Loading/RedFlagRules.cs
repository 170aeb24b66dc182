using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>
/// Reads the properties of <c>red-flags.json</c>: id, severity, advice and topic, refusing advice that
/// would send a patient the wrong way (an emergency that does not name 999, 111 online offered without
/// saying a child under 5 needs a call to 111).
/// </summary>
internal static class RedFlagRules
{
    private static readonly string[] Keys = ["id", "severity", "advice", "topic"];

    /// <summary>The longest advice of one rule: several rules' advice goes into one SMS of at most 3 segments.</summary>
    public const int MaxAdviceLength = 160;

    public static Dictionary<string, RedFlagMatch> Read(Workflow workflow, RuleFile file)
    {
        var ids = new RuleIds();
        var flags = new Dictionary<string, RedFlagMatch>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules)
        {
            var properties = RuleProperties.Read(rule, file, Keys);
            var id = ids.Claim(properties);
            var severity = properties.OneOf("severity", [.. RedFlagSeverity.All]);
            var topic = properties.OneOf("topic", [.. RedFlagTopic.All], fallback: RedFlagTopic.Physical);
            var advice = properties.Required("advice").Trim();
            if (advice.Length > MaxAdviceLength)
            {
                properties.Fail($"Property 'advice' has {advice.Length} characters; keep it to {MaxAdviceLength} so several rules' advice fits one text.");
            }

            if (severity == RedFlagSeverity.Emergency && !advice.Contains("999", StringComparison.Ordinal))
            {
                properties.Fail("An emergency rule's advice must tell the patient to call 999.");
            }

            if (severity == RedFlagSeverity.Urgent && !advice.Contains("111", StringComparison.Ordinal) && !advice.Contains("999", StringComparison.Ordinal))
            {
                properties.Fail("An urgent rule's advice must name 111 or 999.");
            }

            if (advice.Contains("111.nhs.uk", StringComparison.OrdinalIgnoreCase) && !advice.Contains("under 5", StringComparison.OrdinalIgnoreCase))
            {
                properties.Fail("Advice that offers 111.nhs.uk must say that for a child under 5 you call 111 (111 online is for ages 5 and over).");
            }

            flags[rule.RuleName] = new RedFlagMatch(id, severity, advice, topic);
        }

        return flags;
    }
}
