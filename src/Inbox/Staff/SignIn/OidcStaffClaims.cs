using System.Security.Claims;
using System.Text.Json;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>The person an identity provider vouched for, or why they cannot use the inbox.</summary>
public sealed record OidcMapping(StaffMember? Member, string? Refusal);

/// <summary>
/// Turns the claims of an OpenID Connect sign-in into a staff member: the email from
/// <see cref="StaffOidcOptions.EmailClaim"/>, the services from <see cref="StaffOidcOptions.ServicesClaim"/>
/// (only ids the rules know), the administrator role from <see cref="StaffOptions.Administrators"/>.
/// </summary>
public static class OidcStaffClaims
{
    public const string NoEmail = "no email";
    public const string NoServices = "no services";

    public static OidcMapping Map(ClaimsPrincipal external, StaffOptions options, IRuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(external);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        var oidc = options.Oidc;

        var email = external.FindFirst(oidc.EmailClaim)?.Value;
        if (!StaffEmail.LooksValid(email))
        {
            return new OidcMapping(null, NoEmail);
        }

        email = StaffEmail.Normalize(email!);
        var services = new List<string>();
        foreach (var claim in external.FindAll(oidc.ServicesClaim))
        {
            foreach (var value in Values(claim.Value))
            {
                if (rules.FindService(value) is { } service && !services.Contains(service.Id, StringComparer.Ordinal))
                {
                    services.Add(service.Id);
                }
            }
        }

        if (services.Count == 0)
        {
            return new OidcMapping(null, NoServices);
        }

        var name = external.FindFirst(oidc.NameClaim)?.Value;
        name = string.IsNullOrWhiteSpace(name) ? email : name.Trim();
        if (name.Length > 100)
        {
            name = name[..100];
        }

        return new OidcMapping(new StaffMember(email, name, services, options.IsAdministrator(email), "oidc"), null);
    }

    /// <summary>One id, several separated by spaces or commas, or a JSON array of ids.</summary>
    private static IEnumerable<string> Values(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            string[]? items = null;
            try
            {
                items = JsonSerializer.Deserialize<string[]>(trimmed);
            }
            catch (JsonException)
            {
                // Not an array after all: read it as plain text below.
            }

            if (items is not null)
            {
                return items.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim());
            }
        }

        return trimmed.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
