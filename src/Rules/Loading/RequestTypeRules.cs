using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>Reads the properties of <c>request-types.json</c>: id, label, kind, for advice adviceUrl, and clinical ("no" for admin).</summary>
internal static class RequestTypeRules
{
    private static readonly string[] Keys = ["id", "label", "kind", "adviceUrl", "clinical"];
    private static readonly string[] YesNo = ["yes", "no"];
    private static readonly string[] Kinds = ["request", "advice"];

    public static Dictionary<string, RequestTypeOption> Read(Workflow workflow, RuleFile file)
    {
        var ids = new RuleIds();
        var options = new Dictionary<string, RequestTypeOption>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules)
        {
            var properties = RuleProperties.Read(rule, file, Keys);
            var id = ids.Claim(properties);
            var label = properties.Required("label");
            var kind = properties.OneOf("kind", Kinds) == "advice" ? RequestKind.Advice : RequestKind.Request;
            var url = properties.Optional("adviceUrl");
            if (kind == RequestKind.Advice)
            {
                if (string.IsNullOrWhiteSpace(url))
                {
                    properties.Fail("Advice needs property 'adviceUrl', the page patients are sent to.");
                }

                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    properties.Fail($"Property 'adviceUrl' is '{url}'; it must be an absolute https:// address.");
                }
            }
            else if (url is not null)
            {
                properties.Fail("Property 'adviceUrl' is only for kind \"advice\".");
            }

            var clinical = properties.OneOf("clinical", YesNo, fallback: "yes") == "yes";
            options[rule.RuleName] = new RequestTypeOption(id, label, kind, url, clinical);
        }

        return options;
    }
}
