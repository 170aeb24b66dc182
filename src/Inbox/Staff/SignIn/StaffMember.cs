using System.Security.Claims;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>The signed-in member of staff, as every inbox page, API call and action sees them.</summary>
/// <param name="SessionStamp">The account's session stamp when the session began (see <see cref="Storage.StaffAccount.SessionStamp"/>).</param>
/// <param name="SignedInAt">When the session began, for its absolute lifetime (<see cref="StaffOptions.AbsoluteSessionLifetime"/>).</param>
public sealed record StaffMember(string Email, string DisplayName, IReadOnlyList<string> ServiceIds, bool IsAdministrator, string SignInMethod, string? SessionStamp = null, DateTimeOffset? SignedInAt = null)
{
    /// <summary>A new random session stamp.</summary>
    public static string NewSessionStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether this person works for the service, and so may see its requests.</summary>
    public bool WorksFor(string serviceId) => ServiceIds.Contains(serviceId, StringComparer.Ordinal);

    /// <summary>The person in a staff session cookie; null for anyone else.</summary>
    public static StaffMember? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true, AuthenticationType: StaffClaims.AuthenticationType } identity)
        {
            return null;
        }

        var claims = (ClaimsIdentity)identity;
        var email = claims.FindFirst(StaffClaims.Email)?.Value;
        if (string.IsNullOrEmpty(email))
        {
            return null;
        }

        return new StaffMember(
            email,
            claims.FindFirst(StaffClaims.Name)?.Value ?? email,
            [.. claims.FindAll(StaffClaims.Service).Select(c => c.Value).Distinct(StringComparer.Ordinal)],
            claims.HasClaim(StaffClaims.Role, StaffClaims.AdministratorRole),
            claims.FindFirst(StaffClaims.Method)?.Value ?? "local",
            claims.FindFirst(StaffClaims.SessionStamp)?.Value,
            long.TryParse(claims.FindFirst(StaffClaims.SignedInAt)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null);
    }

    /// <summary>Whether the two describe the same access: services, administrator and name (what the account can change under a session).</summary>
    public bool SameAccessAs(StaffMember other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return IsAdministrator == other.IsAdministrator
            && DisplayName == other.DisplayName
            && ServiceIds.SequenceEqual(other.ServiceIds, StringComparer.Ordinal);
    }

    /// <summary>The principal kept in the session cookie.</summary>
    public ClaimsPrincipal ToPrincipal()
    {
        var claims = new List<Claim>
        {
            new(StaffClaims.Email, Email),
            new(StaffClaims.Name, DisplayName),
            new(StaffClaims.Method, SignInMethod),
        };
        claims.AddRange(ServiceIds.Select(s => new Claim(StaffClaims.Service, s)));
        if (SessionStamp is not null)
        {
            claims.Add(new Claim(StaffClaims.SessionStamp, SessionStamp));
        }

        if (SignedInAt is { } signedInAt)
        {
            claims.Add(new Claim(StaffClaims.SignedInAt, signedInAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (IsAdministrator)
        {
            claims.Add(new Claim(StaffClaims.Role, StaffClaims.AdministratorRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, StaffClaims.AuthenticationType, StaffClaims.Email, StaffClaims.Role));
    }
}

/// <summary>The claim types of a staff session, and its authentication scheme.</summary>
public static class StaffClaims
{
    /// <summary>The cookie scheme of staff sessions.</summary>
    public const string Scheme = "Staff";

    /// <summary>The OpenID Connect scheme, registered when <c>Staff:SignIn</c> is <c>Oidc</c>.</summary>
    public const string OidcScheme = "StaffOidc";

    /// <summary>The authorization policy every inbox page and API call requires.</summary>
    public const string Policy = "Staff";

    public const string AuthenticationType = "PatientContact.Staff";
    public const string Email = "pc:email";
    public const string SessionStamp = "pc:session";
    public const string SignedInAt = "pc:signed-in-at";
    public const string Name = "pc:name";
    public const string Service = "pc:service";
    public const string Role = "pc:role";
    public const string Method = "pc:sign-in";
    public const string AdministratorRole = "administrator";
}
