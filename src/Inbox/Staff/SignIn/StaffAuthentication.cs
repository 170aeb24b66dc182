using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// The staff session: a cookie (HttpOnly, Secure outside Development, SameSite, 30 minutes sliding, 12 hours at most), and,
/// when <c>Staff:SignIn</c> is <c>Oidc</c>, OpenID Connect sign-in into that cookie. No default scheme is
/// set: only the inbox asks for these schemes, so other parts of the service are not affected.
/// </summary>
public static class StaffAuthentication
{
    public const string LoginPath = "/inbox/login";
    public const string OidcCallbackPath = "/inbox/signin-oidc";

    public static IServiceCollection AddStaffAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var mode = Enum.TryParse<StaffSignInMode>(configuration[$"{StaffOptions.SectionName}:{nameof(StaffOptions.SignIn)}"], ignoreCase: true, out var parsed)
            ? parsed
            : StaffSignInMode.Local;

        var authentication = services.AddAuthentication();
        authentication.AddCookie(StaffClaims.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(StaffClaims.Scheme)
            .Configure<IHostEnvironment, IOptions<StaffOptions>>((cookie, environment, staff) => ConfigureCookie(cookie, environment, staff.Value));

        if (mode == StaffSignInMode.Oidc)
        {
            authentication.AddOpenIdConnect(StaffClaims.OidcScheme, _ => { });
            services.AddOptions<OpenIdConnectOptions>(StaffClaims.OidcScheme)
                .Configure<IOptions<StaffOptions>>((oidc, staff) => ConfigureOidc(oidc, staff.Value.Oidc));
        }

        services.AddAuthorization(options => options.AddPolicy(StaffClaims.Policy, policy => policy
            .AddAuthenticationSchemes(StaffClaims.Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => StaffMember.From(context.User) is not null)));
        return services;
    }

    /// <summary>The session cookie's settings; public so tests can check them without a browser.</summary>
    public static void ConfigureCookie(CookieAuthenticationOptions cookie, IHostEnvironment environment, StaffOptions staff)
    {
        var development = environment.IsDevelopment();
        // "__Host-" makes browsers refuse the cookie unless it is Secure, for this host only and path "/".
        cookie.Cookie.Name = development ? "PatientContact.Staff" : "__Host-PatientContact.Staff";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.Cookie.Path = "/";
        // Strict, except that an identity provider's redirect back must carry the session to the first page.
        cookie.Cookie.SameSite = staff.SignIn == StaffSignInMode.Oidc ? SameSiteMode.Lax : SameSiteMode.Strict;
        cookie.Cookie.IsEssential = true;
        cookie.ExpireTimeSpan = staff.IdleTimeout;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = LoginPath;
        cookie.LogoutPath = "/inbox/logout";
        cookie.AccessDeniedPath = LoginPath;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.Events.OnRedirectToLogin = context =>
        {
            if (IsApi(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            context.Response.Redirect(PublicRedirect(context.HttpContext, context.RedirectUri));
            return Task.CompletedTask;
        };
        // Somebody signed in asking for what they may not see: the same answer as for something that is not there.
        cookie.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        };
        // Every request: the session is checked against the account as stored (re-read every few seconds):
        // still there, not disabled, same session stamp (signing out replaces it), within the absolute
        // lifetime; its services and administrator flag are the account's, not the cookie's.
        cookie.Events.OnValidatePrincipal = async context =>
        {
            var member = StaffMember.From(context.Principal);
            var sessions = context.HttpContext.RequestServices.GetRequiredService<StaffSessions>();
            var current = member is null ? null : await sessions.CurrentAsync(member, context.HttpContext.RequestAborted);
            if (current is null)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(StaffClaims.Scheme);
                return;
            }

            if (!current.SameAccessAs(member!))
            {
                context.ReplacePrincipal(current.ToPrincipal());
                context.ShouldRenew = true;
            }
        };
    }

    /// <summary>The OpenID Connect client's settings from <c>Staff:Oidc</c>; public so tests can check them without a provider.</summary>
    public static void ConfigureOidc(OpenIdConnectOptions oidc, StaffOidcOptions settings)
    {
        oidc.SignInScheme = StaffClaims.Scheme;
        oidc.Authority = settings.Authority;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.CallbackPath = OidcCallbackPath;
        oidc.SaveTokens = false;
        // Claim names stay as the provider sends them, so Staff:Oidc:*Claim settings name what the provider documents.
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = true;
        oidc.Scope.Clear();
        foreach (var scope in settings.Scopes)
        {
            oidc.Scope.Add(scope);
        }

        oidc.ClaimActions.MapUniqueJsonKey(settings.EmailClaim, settings.EmailClaim);
        oidc.ClaimActions.MapUniqueJsonKey(settings.NameClaim, settings.NameClaim);
        oidc.ClaimActions.MapJsonKey(settings.ServicesClaim, settings.ServicesClaim);
        // The return address the provider sends the person back to is under PublicBaseUrl (https behind
        // a TLS-ending balancer), never built from the request's Host header.
        oidc.Events.OnRedirectToIdentityProvider = context =>
        {
            if (context.HttpContext.RequestServices.GetRequiredService<PublicAddress>().Configured is { } configured)
            {
                context.ProtocolMessage.RedirectUri = configured + OidcCallbackPath;
            }

            return Task.CompletedTask;
        };
        oidc.Events.OnTicketReceived = context => context.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().OnTicketReceivedAsync(context);
        oidc.Events.OnRemoteFailure = context => context.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().OnRemoteFailureAsync(context);
    }

    /// <summary>An absolute redirect the framework built from the request, moved under <c>PublicBaseUrl</c> when it is set.</summary>
    private static string PublicRedirect(HttpContext context, string redirectUri)
    {
        var configured = context.RequestServices.GetRequiredService<PublicAddress>().Configured;
        if (configured is null || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var absolute))
        {
            return redirectUri;
        }

        var path = absolute.PathAndQuery;
        var pathBase = context.Request.PathBase.Value;
        if (!string.IsNullOrEmpty(pathBase) && path.StartsWith(pathBase, StringComparison.Ordinal))
        {
            path = path[pathBase.Length..];
        }

        return configured + path;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
