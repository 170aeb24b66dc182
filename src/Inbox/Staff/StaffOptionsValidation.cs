using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Staff;

/// <summary>Checks the sign-in settings at start-up, naming each missing or wrong setting.</summary>
public sealed class StaffOptionsValidation : IValidateOptions<StaffOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AbsoluteSessionLifetime < options.IdleTimeout)
        {
            failures.Add("Staff:AbsoluteSessionLifetime must be at least Staff:IdleTimeout.");
        }

        if (options.SignIn == StaffSignInMode.Oidc)
        {
            var oidc = options.Oidc;
            if (string.IsNullOrWhiteSpace(oidc.Authority))
            {
                failures.Add("Staff:Oidc:Authority is required when Staff:SignIn is Oidc.");
            }
            else if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
                || (authority.Scheme != Uri.UriSchemeHttps && (oidc.RequireHttpsMetadata || authority.Scheme != Uri.UriSchemeHttp)))
            {
                failures.Add("Staff:Oidc:Authority must be an absolute https URL (http only with Staff:Oidc:RequireHttpsMetadata=false).");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add("Staff:Oidc:ClientId is required when Staff:SignIn is Oidc.");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientSecret))
            {
                failures.Add("Staff:Oidc:ClientSecret is required when Staff:SignIn is Oidc.");
            }

            if (string.IsNullOrWhiteSpace(oidc.ServicesClaim))
            {
                failures.Add("Staff:Oidc:ServicesClaim must name the claim that lists a person's services.");
            }

            if (string.IsNullOrWhiteSpace(oidc.EmailClaim))
            {
                failures.Add("Staff:Oidc:EmailClaim must name the claim that holds a person's email.");
            }

            if (!oidc.Scopes.Contains("openid", StringComparer.Ordinal))
            {
                failures.Add("Staff:Oidc:Scopes must include openid.");
            }
        }

        foreach (var administrator in options.Administrators)
        {
            if (!StaffEmail.LooksValid(administrator))
            {
                failures.Add("Staff:Administrators must hold email addresses only.");
                break;
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
