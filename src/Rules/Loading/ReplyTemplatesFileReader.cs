using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientContact.Rules.Loading;

/// <summary>
/// Reads <c>reply-templates.json</c>: canned texts staff may start a reply from. <c>default</c> lists the templates
/// every service gets; <c>services</c> gives a service a list of its own instead. A template has an <c>id</c> (a
/// slug, unique in its list), a <c>label</c> staff choose it by, and a <c>text</c> where <c>{reference}</c> and
/// <c>{service}</c> are filled in; the filled text must fit 3 SMS segments for each service it is offered to.
/// </summary>
internal static partial class ReplyTemplatesFileReader
{
    public const int MaxLabelLength = 60;

    /// <summary>The longest filled-in text, in GSM-7 characters: three segments.</summary>
    public const int MaxTextLength = 459;

    private static readonly string[] RootKeys = ["default", "services"];
    private static readonly string[] TemplateKeys = ["id", "label", "text"];
    private static readonly string[] Placeholders = ["reference", "service"];

    /// <summary>The templates offered to each service, by service id.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ReplyTemplate>> Read(JsonElement root, RuleFile file, IReadOnlyList<ServiceDefinition> services)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            file.Fail(null, "The file must be an object with \"default\" and, optionally, \"services\".");
        }

        file.CheckKeys(root, RootKeys, null);
        var defaults = root.TryGetProperty("default", out var list) ? ReadList(list, file, "default") : [];
        var own = new Dictionary<string, IReadOnlyList<ReplyTemplate>>(StringComparer.Ordinal);
        if (root.TryGetProperty("services", out var byService))
        {
            if (byService.ValueKind != JsonValueKind.Object)
            {
                file.Fail(null, "\"services\" must be an object whose keys are service ids.");
            }

            foreach (var entry in byService.EnumerateObject())
            {
                if (services.All(s => s.Id != entry.Name))
                {
                    file.Fail(entry.Name, $"No service has the id '{entry.Name}' in services.json.");
                }

                own[entry.Name] = ReadList(entry.Value, file, entry.Name);
            }
        }

        var offered = new Dictionary<string, IReadOnlyList<ReplyTemplate>>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            var templates = own.GetValueOrDefault(service.Id) ?? defaults;
            foreach (var template in templates)
            {
                var filled = template.Fill(service, "ABCD-1234");
                if (filled.Length > MaxTextLength || filled.Any(c => c > '\u007e' && c != '£'))
                {
                    file.Fail(template.Id, $"The text for {service.Id} is {filled.Length} characters once filled in, or has characters outside plain GSM-7 text; keep it to {MaxTextLength} plain characters (3 SMS segments).");
                }
            }

            offered[service.Id] = templates;
        }

        return offered;
    }

    private static List<ReplyTemplate> ReadList(JsonElement list, RuleFile file, string where)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            file.Fail(where, "A list of templates must be an array of {\"id\", \"label\", \"text\"}.");
        }

        var templates = new List<ReplyTemplate>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                file.Fail(where, "Each template must be an object with \"id\", \"label\" and \"text\".");
            }

            file.CheckKeys(item, TemplateKeys, where);
            var id = Text(item, "id", file, where);
            if (!Slug().IsMatch(id))
            {
                file.Fail(id, "A template id is lower-case letters, digits and hyphens, like \"call-us\".");
            }

            if (templates.Any(t => t.Id == id))
            {
                file.Fail(id, $"The template id '{id}' is listed twice in {where}.");
            }

            var label = Text(item, "label", file, id);
            if (label.Length > MaxLabelLength)
            {
                file.Fail(id, $"A label is at most {MaxLabelLength} characters.");
            }

            var text = Text(item, "text", file, id);
            foreach (Match placeholder in Placeholder().Matches(text))
            {
                if (!Placeholders.Contains(placeholder.Groups[1].Value))
                {
                    file.Fail(id, $"Unknown placeholder {placeholder.Value}; use {{reference}} and {{service}}.");
                }
            }

            templates.Add(new ReplyTemplate(id, label, text));
        }

        return templates;
    }

    private static string Text(JsonElement item, string key, RuleFile file, string where)
    {
        if (!item.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            file.Fail(where, $"\"{key}\" must be a non-empty string.");
        }

        return value.GetString()!.Trim();
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();
}
