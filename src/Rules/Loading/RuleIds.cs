using System.Text.RegularExpressions;

namespace PatientContact.Rules.Loading;

/// <summary>Checks the <c>id</c> property rules give: a slug, once per file.</summary>
internal sealed partial class RuleIds
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase);

    public string Claim(RuleProperties properties)
    {
        var id = properties.Required("id");
        if (!Slug().IsMatch(id))
        {
            properties.Fail($"Property 'id' is '{id}'; it must be lower-case letters, digits and hyphens.");
        }

        if (!_owners.TryAdd(id, properties.Rule))
        {
            properties.Fail($"Property 'id' is '{id}', already the id of rule '{_owners[id]}'.");
        }

        return id;
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex Slug();
}
