using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Staff;

/// <summary>
/// The Content-Security-Policy of the inbox pages: styles and images from this origin only, no scripts
/// at all, forms posted only here (and, with single sign-on, on to the identity provider).
/// </summary>
public sealed class StaffContentSecurityPolicy(IOptions<StaffOptions> options)
{
    public string Value { get; } = Build(options.Value);

    private static string Build(StaffOptions options)
    {
        var formAction = "'self'";
        if (options.SignIn == StaffSignInMode.Oidc && Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out var authority))
        {
            formAction += " " + authority.GetLeftPart(UriPartial.Authority);
        }

        return $"default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
    }
}
