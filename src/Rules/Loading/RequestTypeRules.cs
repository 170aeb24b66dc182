using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>
/// Reads the properties of <c>request-types.json</c>: id, label, kind, for advice adviceUrl, and clinical ("no" for
/// admin); optionally examples (shown after the label), synonyms (other words patients use), detailsPrompt
/// (the details question) and photos (true when the patient may add photos after the details).
/// </summary>
internal static class RequestTypeRules
{
    /// <summary>The longest details question: it must fit one SMS segment with room to spare.</summary>
    public const int MaxDetailsPromptLength = 200;

    private static readonly string[] Keys = ["id", "label", "kind", "adviceUrl", "clinical", "examples", "synonyms", "detailsPrompt", "photos"];
    private static readonly string[] Lists = ["synonyms"];
    private static readonly string[] Flags = ["photos"];
    private static readonly string[] YesNo = ["yes", "no"];
    private static readonly string[] Kinds = ["request", "advice"];

    public static Dictionary<string, RequestTypeOption> Read(Workflow workflow, RuleFile file)
    {
        var ids = new RuleIds();
        var options = new Dictionary<string, RequestTypeOption>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules)
        {
            var properties = RuleProperties.Read(rule, file, Keys, Lists, Flags);
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

            var examples = properties.Optional("examples");
            if (examples is not null && (string.IsNullOrWhiteSpace(examples) || examples.Contains('(', StringComparison.Ordinal) || examples.Contains(')', StringComparison.Ordinal)))
            {
                properties.Fail("Property 'examples' must be a few words without brackets, like \"fit notes, letters\".");
            }

            var prompt = properties.Optional("detailsPrompt");
            if (prompt is not null && (string.IsNullOrWhiteSpace(prompt) || prompt.Length > MaxDetailsPromptLength))
            {
                properties.Fail($"Property 'detailsPrompt' must be a question of 1 to {MaxDetailsPromptLength} characters.");
            }

            if (prompt is not null && kind == RequestKind.Advice)
            {
                properties.Fail("Property 'detailsPrompt' is only for kind \"request\": advice asks no details.");
            }

            var photos = properties.Flag("photos");
            if (photos && kind == RequestKind.Advice)
            {
                properties.Fail("Property 'photos' is only for kind \"request\": advice takes no photos.");
            }

            var clinical = properties.OneOf("clinical", YesNo, fallback: "yes") == "yes";
            options[rule.RuleName] = new RequestTypeOption(id, label, kind, url, clinical)
            {
                Examples = examples?.Trim(),
                Synonyms = properties.List("synonyms"),
                DetailsPrompt = prompt?.Trim(),
                Photos = photos,
            };
        }

        return options;
    }
}
