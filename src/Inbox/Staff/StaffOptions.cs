using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PatientContact.Inbox.Staff;

/// <summary>How staff sign in to the inbox: local accounts or the organisation's identity provider.</summary>
public enum StaffSignInMode
{
    /// <summary>Email and password, checked against the staff accounts in the store.</summary>
    Local,

    /// <summary>OpenID Connect (NHS CIS2, a trust's Entra ID, ...); the services come from a claim.</summary>
    Oidc,
}

/// <summary>Settings of the staff inbox (section "Staff").</summary>
public sealed class StaffOptions
{
    public const string SectionName = "Staff";

    [RequiredOutsideDevelopment("how staff sign in: Local or Oidc")]
    public StaffSignInMode SignIn { get; set; } = StaffSignInMode.Local;

    /// <summary>Emails of the people who may read the whole audit trail, whichever way they sign in.</summary>
    public string[] Administrators { get; set; } = [];

    /// <summary>A session unused this long ends; each request made within it starts the time again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// However the session is used, it ends this long after signing in (a long clinical day), so a cookie
    /// taken from a shared computer or kept alive by an open tab does not live for ever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:10:00", "1.00:00:00")]
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long an account read for a session is trusted before it is read again: removing a service,
    /// disabling or removing the account takes effect on every open session within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AccountRecheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Wrong passwords for one email within <see cref="FailedSignInWindow"/> that are answered at once; after
    /// that, each further try waits twice as long as the one before (1 s, 2 s, 4 s ...) up to
    /// <see cref="MaxSignInDelay"/>. There is no lock: a stranger who knows the email can slow its owner's
    /// sign-in by at most <see cref="MaxSignInDelay"/>, never stop it.
    /// </summary>
    [Range(1, 100)]
    public int FailedSignInsBeforeDelay { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxSignInDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Wrong passwords from one client address (IPv6 by /64) within the window before its tries are delayed.</summary>
    [Range(1, 1000)]
    public int ClientFailedSignInsBeforeDelay { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClientMaxSignInDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong passwords older than this are forgotten.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(15);

    public StaffOidcOptions Oidc { get; set; } = new();

    public bool IsAdministrator(string email) =>
        Administrators.Any(a => string.Equals(a.Trim(), email, StringComparison.OrdinalIgnoreCase));
}

/// <summary>OpenID Connect sign-in (section "Staff:Oidc"), used when <c>Staff:SignIn</c> is <c>Oidc</c>.</summary>
public sealed class StaffOidcOptions
{
    /// <summary>The issuer, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; its discovery document is read from here.</summary>
    [RequiredOutsideDevelopment("the OpenID Connect provider staff sign in with", When = nameof(IsTheSignIn))]
    public string? Authority { get; set; }

    [RequiredOutsideDevelopment("this service's client id at the OpenID Connect provider", When = nameof(IsTheSignIn))]
    public string? ClientId { get; set; }

    /// <summary>A secret: set it from the environment or a secret store, never in a file in the repository.</summary>
    [RequiredOutsideDevelopment("this service's client secret at the OpenID Connect provider", When = nameof(IsTheSignIn))]
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The claim that lists the services a person works for: one claim per service, or one claim holding
    /// several ids separated by spaces or commas, or a JSON array. Ids the rules do not know are ignored.
    /// </summary>
    public string ServicesClaim { get; set; } = "services";

    /// <summary>The claim holding the person's email, which is their identity in the inbox and the audit trail.</summary>
    public string EmailClaim { get; set; } = "email";

    /// <summary>The claim holding the name shown to colleagues.</summary>
    public string NameClaim { get; set; } = "name";

    public string[] Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>The button on the sign-in page reads "Sign in with {this}".</summary>
    public string DisplayName { get; set; } = "your organisation's account";

    /// <summary>Off only for a local test provider over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Whether <c>Staff:SignIn</c> is <c>Oidc</c>: only then is the provider required.</summary>
    public static bool IsTheSignIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.Equals(configuration[$"{StaffOptions.SectionName}:{nameof(StaffOptions.SignIn)}"], nameof(StaffSignInMode.Oidc), StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Development-only demo settings (section "Demo").</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>The password of the demo staff accounts <c>staff@{serviceId}.example</c>, seeded in Development only.</summary>
    public string? StaffPassword { get; set; }
}
