using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Tests.Staff.Support;
using PatientContact.Rules;

namespace PatientContact.Inbox.Tests.Staff;

/// <summary>
/// Single sign-on as configuration: the settings checked at start, the OpenID Connect client they make,
/// and how a provider's claims become a staff member. The protocol exchange runs end to end against a
/// stand-in provider in <c>tests/EndToEnd.Tests/Inbox/InboxOidcTests.cs</c>.
/// </summary>
public sealed class OidcSignInConfigurationTests : IDisposable
{
    private readonly FileRuleBookProvider _rules = new(RepoPaths.Rules);

    public void Dispose() => _rules.Dispose();

    private static StaffOptions Oidc(Action<StaffOidcOptions>? change = null)
    {
        var options = new StaffOptions
        {
            SignIn = StaffSignInMode.Oidc,
            Oidc = new StaffOidcOptions { Authority = "https://login.example.org/tenant/v2.0", ClientId = "inbox", ClientSecret = "s3cret", ServicesClaim = "pc_services" },
        };
        change?.Invoke(options.Oidc);
        return options;
    }

    private static ClaimsPrincipal Provider(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void Services_come_from_one_claim_per_service_mapped_to_the_rules_ids()
    {
        var mapping = OidcStaffClaims.Map(Provider(("email", "Alice@Trust.example"), ("name", "Alice Example"), ("pc_services", "RIVERSIDE-GP"), ("pc_services", "hillview-mental-health")), Oidc(), _rules.Current);

        mapping.Refusal.ShouldBeNull();
        mapping.Member.ShouldBe(new StaffMember("alice@trust.example", "Alice Example", mapping.Member!.ServiceIds, false, "oidc"));
        mapping.Member.ServiceIds.ShouldBe(["riverside-gp", "hillview-mental-health"]);
    }

    [Theory]
    [InlineData("riverside-gp northside-community")]
    [InlineData("riverside-gp,northside-community")]
    [InlineData("[\"riverside-gp\", \"northside-community\"]")]
    [InlineData("riverside-gp, no-such-service ,northside-community riverside-gp")]
    public void Services_in_one_claim_may_be_a_list_and_unknown_ids_are_ignored(string value)
    {
        var mapping = OidcStaffClaims.Map(Provider(("email", "alice@trust.example"), ("pc_services", value)), Oidc(), _rules.Current);

        mapping.Member!.ServiceIds.ShouldBe(["riverside-gp", "northside-community"]);
    }

    [Fact]
    public void Someone_with_no_known_service_is_refused()
    {
        var mapping = OidcStaffClaims.Map(Provider(("email", "alice@trust.example"), ("pc_services", "another-practice")), Oidc(), _rules.Current);

        mapping.Member.ShouldBeNull();
        mapping.Refusal.ShouldBe(OidcStaffClaims.NoServices);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not an email")]
    [InlineData("Alice <alice@trust.example>")]
    public void Someone_without_a_plain_email_is_refused(string? email)
    {
        var claims = new List<(string, string)> { ("pc_services", "riverside-gp") };
        if (email is not null)
        {
            claims.Add(("email", email));
        }

        var mapping = OidcStaffClaims.Map(Provider([.. claims]), Oidc(), _rules.Current);

        mapping.Member.ShouldBeNull();
        mapping.Refusal.ShouldBe(OidcStaffClaims.NoEmail);
    }

    [Fact]
    public void Claim_names_are_configurable_and_administrators_come_from_the_setting()
    {
        var options = Oidc(o =>
        {
            o.EmailClaim = "upn";
            o.NameClaim = "display";
        });
        options.Administrators = ["alice@trust.example"];

        var mapping = OidcStaffClaims.Map(Provider(("upn", "alice@trust.example"), ("display", "Dr Alice"), ("email", "other@trust.example"), ("pc_services", "riverside-gp")), options, _rules.Current);

        mapping.Member!.Email.ShouldBe("alice@trust.example");
        mapping.Member.DisplayName.ShouldBe("Dr Alice");
        mapping.Member.IsAdministrator.ShouldBeTrue();
    }

    [Fact]
    public void Without_a_name_claim_the_email_is_the_name()
    {
        var mapping = OidcStaffClaims.Map(Provider(("email", "alice@trust.example"), ("pc_services", "riverside-gp")), Oidc(), _rules.Current);

        mapping.Member!.DisplayName.ShouldBe("alice@trust.example");
    }

    [Fact]
    public void Mapped_member_survives_the_session_cookie_principal()
    {
        var member = OidcStaffClaims.Map(Provider(("email", "alice@trust.example"), ("pc_services", "riverside-gp northside-community")), Oidc(), _rules.Current).Member!;

        var roundTripped = StaffMember.From(member.ToPrincipal())!;

        roundTripped.Email.ShouldBe(member.Email);
        roundTripped.ServiceIds.ShouldBe(member.ServiceIds);
        roundTripped.SignInMethod.ShouldBe("oidc");
        StaffMember.From(Provider(("email", "alice@trust.example"))).ShouldBeNull();
    }

    [Fact]
    public void Oidc_without_its_settings_fails_at_start_naming_each_one()
    {
        var result = new StaffOptionsValidation().Validate(null, new StaffOptions { SignIn = StaffSignInMode.Oidc });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Staff:Oidc:Authority");
        result.FailureMessage.ShouldContain("Staff:Oidc:ClientId");
        result.FailureMessage.ShouldContain("Staff:Oidc:ClientSecret");
    }

    [Theory]
    [InlineData("http://login.example.org", true, false)]
    [InlineData("http://127.0.0.1:5999", false, true)]
    [InlineData("login.example.org", true, false)]
    [InlineData("https://login.example.org/tenant/v2.0", true, true)]
    public void Authority_must_be_https_unless_https_metadata_is_turned_off(string authority, bool requireHttps, bool valid)
    {
        var options = Oidc(o =>
        {
            o.Authority = authority;
            o.RequireHttpsMetadata = requireHttps;
        });

        new StaffOptionsValidation().Validate(null, options).Succeeded.ShouldBe(valid);
    }

    [Fact]
    public void Local_sign_in_needs_no_oidc_settings_but_administrators_must_be_emails()
    {
        new StaffOptionsValidation().Validate(null, new StaffOptions()).Succeeded.ShouldBeTrue();
        new StaffOptionsValidation().Validate(null, new StaffOptions { Administrators = ["boss"] }).FailureMessage!.ShouldContain("Staff:Administrators");
    }

    [Fact]
    public void Oidc_client_uses_the_code_flow_with_pkce_and_the_configured_provider()
    {
        var client = new OpenIdConnectOptions();

        StaffAuthentication.ConfigureOidc(client, Oidc().Oidc);

        client.Authority.ShouldBe("https://login.example.org/tenant/v2.0");
        client.ClientId.ShouldBe("inbox");
        client.ClientSecret.ShouldBe("s3cret");
        client.ResponseType.ShouldBe("code");
        client.UsePkce.ShouldBeTrue();
        client.SignInScheme.ShouldBe(StaffClaims.Scheme);
        client.CallbackPath.ShouldBe(new PathString("/inbox/signin-oidc"));
        client.MapInboundClaims.ShouldBeFalse();
        client.SaveTokens.ShouldBeFalse();
        client.Scope.ShouldBe(["openid", "profile", "email"], ignoreOrder: true);
        client.ClaimActions.Select(a => a.ClaimType).ShouldContain("pc_services");
    }

    [Fact]
    public async Task Oidc_mode_registers_the_provider_scheme_and_local_mode_does_not()
    {
        (await SchemesAsync("Oidc")).ShouldBe([StaffClaims.Scheme, StaffClaims.OidcScheme], ignoreOrder: true);
        (await SchemesAsync("Local")).ShouldBe([StaffClaims.Scheme]);
        (await SchemesAsync("")).ShouldBe([StaffClaims.Scheme]);
    }

    private static async Task<string[]> SchemesAsync(string mode)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Staff:SignIn"] = mode }).Build();
        services.AddLogging();
        services.AddStaffAuthentication(configuration);
        await using var provider = services.BuildServiceProvider();
        var schemes = await provider.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        return [.. schemes.Select(s => s.Name)];
    }

    [Theory]
    [InlineData("Development", StaffSignInMode.Local, "PatientContact.Staff", CookieSecurePolicy.SameAsRequest, SameSiteMode.Strict)]
    [InlineData("Production", StaffSignInMode.Local, "__Host-PatientContact.Staff", CookieSecurePolicy.Always, SameSiteMode.Strict)]
    [InlineData("Production", StaffSignInMode.Oidc, "__Host-PatientContact.Staff", CookieSecurePolicy.Always, SameSiteMode.Lax)]
    public void Session_cookie_is_http_only_secure_outside_development_and_expires_after_thirty_idle_minutes(
        string environment, StaffSignInMode mode, string name, CookieSecurePolicy secure, SameSiteMode sameSite)
    {
        var cookie = new CookieAuthenticationOptions();

        StaffAuthentication.ConfigureCookie(cookie, new Environment(environment), new StaffOptions { SignIn = mode });

        cookie.Cookie.Name.ShouldBe(name);
        cookie.Cookie.HttpOnly.ShouldBeTrue();
        cookie.Cookie.SecurePolicy.ShouldBe(secure);
        cookie.Cookie.SameSite.ShouldBe(sameSite);
        cookie.ExpireTimeSpan.ShouldBe(TimeSpan.FromMinutes(30));
        cookie.SlidingExpiration.ShouldBeTrue();
        cookie.LoginPath.ShouldBe(new PathString("/inbox/login"));
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "PatientContact";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
