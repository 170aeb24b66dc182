using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// Machine access to the inbox API (<c>Integrations:*</c>): a GP system or a reporting job calls
/// <c>/api/inbox</c> with a JWT access token from the configured issuer. The token's scopes name the
/// services it may see: <c>inbox.read:{serviceId}</c> to read, <c>inbox.write:{serviceId}</c> to read
/// and change. A call that is not a read (anything but GET or HEAD) sees only the services it may
/// write to, so a read-only token can change nothing. The integration acts, and is audited, as
/// <c>integration:{client id}</c>; it is never an administrator.
/// </summary>
public static class IntegrationAuthentication
{
    /// <summary>The JWT bearer scheme, registered when <c>Integrations:Authority</c> is set.</summary>
    public const string Scheme = "Integration";

    /// <summary>The policy of <c>/api/inbox</c>: a staff session, or an integration's token.</summary>
    public const string ApiPolicy = "InboxApi";

    /// <summary>How an integration's sessions are named in <see cref="StaffMember.SignInMethod"/>.</summary>
    public const string SignInMethod = "integration";

    public const string ReadScopePrefix = "inbox.read:";
    public const string WriteScopePrefix = "inbox.write:";

    public static IServiceCollection AddIntegrationAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IntegrationOptions>()
            .BindConfiguration(IntegrationOptions.Section)
            .Validate(o => o.Authority is null || (Uri.TryCreate(o.Authority, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"),
                "Integrations:Authority must be the issuer's absolute URL, like https://login.example.nhs.uk/tenant.")
            .Validate(o => o.Authority is null || !string.IsNullOrWhiteSpace(o.Audience),
                "Integrations:Audience must be set with Integrations:Authority: the audience the issuer puts in tokens for this service.")
            .ValidateOnStart();
        var enabled = !string.IsNullOrWhiteSpace(configuration[$"{IntegrationOptions.Section}:{nameof(IntegrationOptions.Authority)}"]);
        if (enabled)
        {
            services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
            services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<IntegrationOptions>>((jwt, integrations) => Configure(jwt, integrations.Value));
        }

        services.AddAuthorization(options => options.AddPolicy(ApiPolicy, policy =>
        {
            policy.AddAuthenticationSchemes(StaffClaims.Scheme);
            if (enabled)
            {
                // Last, so a refusal answers 403 as a bearer client expects (the cookie's refusal is 404).
                policy.AddAuthenticationSchemes(Scheme);
            }

            policy.RequireAuthenticatedUser()
                .RequireAssertion(context => StaffMember.From(context.User) is { } member
                    && (member.SignInMethod != SignInMethod || member.ServiceIds.Count > 0));
        }));
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, IntegrationOptions integrations)
    {
        jwt.Authority = integrations.Authority;
        jwt.Audience = integrations.Audience;
        jwt.RequireHttpsMetadata = integrations.RequireHttpsMetadata;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters.ValidateIssuer = true;
        jwt.TokenValidationParameters.ValidateAudience = true;
        jwt.TokenValidationParameters.ValidateLifetime = true;
        jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                context.Principal = ToStaffPrincipal(context.Principal!, context.HttpContext.Request.Method);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The integration as the inbox sees a member of staff: the services its scopes allow for this kind of call.</summary>
    public static ClaimsPrincipal ToStaffPrincipal(ClaimsPrincipal token, string method)
    {
        ArgumentNullException.ThrowIfNull(token);
        var client = token.FindFirst("client_id")?.Value ?? token.FindFirst("azp")?.Value ?? token.FindFirst("sub")?.Value ?? "unknown";
        var scopes = token.FindAll("scope").Concat(token.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        var writable = Services(scopes, WriteScopePrefix);
        var services = HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
            ? [.. Services(scopes, ReadScopePrefix).Union(writable, StringComparer.Ordinal)]
            : writable;
        var actor = "integration:" + client;
        return new StaffMember(actor, actor, services, IsAdministrator: false, SignInMethod).ToPrincipal();
    }

    private static List<string> Services(IEnumerable<string> scopes, string prefix) =>
        [.. scopes.Where(s => s.StartsWith(prefix, StringComparison.Ordinal) && s.Length > prefix.Length).Select(s => s[prefix.Length..]).Distinct(StringComparer.Ordinal)];
}

/// <summary>The token issuer integrations get their access tokens from (section <c>Integrations</c>).</summary>
public sealed class IntegrationOptions
{
    public const string Section = "Integrations";

    /// <summary>The issuer (its OpenID Connect discovery document is read for the signing keys); unset turns machine access off.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens for this service carry, e.g. <c>api://patientcontact</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Only tests with an issuer on loopback turn this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
