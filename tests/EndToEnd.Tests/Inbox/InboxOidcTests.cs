using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// <c>Staff:SignIn=Oidc</c> against a stand-in provider on loopback that speaks OpenID Connect (discovery,
/// code flow with PKCE, signed ID tokens, userinfo). The HTTP client plays the browser, carrying cookies
/// by hand as a browser over https would (the provider's correlation cookies are Secure).
/// </summary>
public sealed class InboxOidcTests : IAsyncLifetime
{
    private FakeIdentityProvider _provider = null!;
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeIdentityProvider.StartAsync();
        _host = await ServiceHost.StartAsync(Settings(
            ("Staff:SignIn", "Oidc"),
            ("Staff:Oidc:Authority", _provider.Issuer),
            ("Staff:Oidc:ClientId", FakeIdentityProvider.ClientId),
            ("Staff:Oidc:ClientSecret", FakeIdentityProvider.ClientSecret),
            ("Staff:Oidc:RequireHttpsMetadata", "false"),
            ("Staff:Oidc:ServicesClaim", "nhs_services"),
            ("Staff:Oidc:DisplayName", "Test Trust account")));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Staff_sign_in_through_the_provider_and_see_only_the_services_it_names()
    {
        var riverside = await SubmitAsync(_host);
        var northside = await SubmitAsync(_host, "northside-community");
        using var browser = new CookieBrowser(_host.BaseAddress);

        var login = await browser.GetAsync("/inbox/login");
        var html = await login.Content.ReadAsStringAsync();
        html.ShouldContain("Sign in with Test Trust account");
        html.ShouldNotContain("type=\"password\"");

        var authorize = await browser.PostAsync("/inbox/login/oidc", ("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(html)), ("returnUrl", $"/inbox/requests/{riverside}"));
        authorize.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var authorizeUrl = authorize.Headers.Location!;
        authorizeUrl.GetLeftPart(UriPartial.Path).ShouldBe($"{_provider.Issuer}/authorize");
        var asked = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorizeUrl.Query);
        asked["redirect_uri"].ToString().ShouldBe($"{_host.BaseAddress}inbox/signin-oidc");
        asked["scope"].ToString().Split(' ').ShouldBe(["openid", "profile", "email"], ignoreOrder: true);

        var code = _provider.Authorize(authorizeUrl, "user-123",
            idTokenClaims: new Dictionary<string, object> { ["email"] = "Dr.Alice@Trust.example", ["name"] = "Dr Alice" },
            userInfoClaims: new Dictionary<string, object> { ["email"] = "Dr.Alice@Trust.example", ["nhs_services"] = new[] { "riverside-gp", "not-a-service" } });
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorizeUrl.Query)["state"].ToString();
        var callback = await browser.PostAsync("/inbox/signin-oidc", ("code", code), ("state", state));

        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        callback.Headers.Location!.OriginalString.ShouldBe($"/inbox/requests/{riverside}");
        _provider.RefusedTokenRequests.ShouldBe(0);

        (await browser.GetAsync($"/inbox/requests/{riverside}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var list = await (await browser.GetAsync("/api/inbox/requests")).Content.ReadFromJsonAsync<JsonElement>();
        list.GetProperty("items").EnumerateArray().ShouldAllBe(i => i.GetProperty("serviceId").GetString() == "riverside-gp");

        var account = await _host.Services.GetRequiredService<IStaffAccountStore>().GetAsync("dr.alice@trust.example");
        account.ShouldNotBeNull();
        (account.DisplayName, account.PasswordHash, account.ServiceIds.Single()).ShouldBe(("Dr Alice", (string?)null, "riverside-gp"));
        (await AuditAsync(_host, actor: "dr.alice@trust.example")).ShouldContain(a => a.Action == AuditActions.SignedIn && a.Detail == "single sign-on");

        // With single sign-on there is no password sign-in at all.
        using var stranger = new CookieBrowser(_host.BaseAddress);
        var token = CookieBrowser.AntiforgeryToken(await (await stranger.GetAsync("/inbox/login")).Content.ReadAsStringAsync());
        (await stranger.PostAsync("/inbox/login", ("email", "dr.alice@trust.example"), ("password", "anything at all"), ("__RequestVerificationToken", token))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Someone_the_provider_gives_no_known_service_is_sent_back_with_the_reason_and_no_session()
    {
        using var browser = new CookieBrowser(_host.BaseAddress);
        var html = await (await browser.GetAsync("/inbox/login")).Content.ReadAsStringAsync();
        var authorize = await browser.PostAsync("/inbox/login/oidc", ("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(html)));
        var code = _provider.Authorize(authorize.Headers.Location!, "user-456",
            idTokenClaims: new Dictionary<string, object> { ["email"] = "bob@trust.example", ["nhs_services"] = "some-other-practice" },
            userInfoClaims: new Dictionary<string, object> { ["email"] = "bob@trust.example" });
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["state"].ToString();

        var callback = await browser.PostAsync("/inbox/signin-oidc", ("code", code), ("state", state));

        callback.Headers.Location!.OriginalString.ShouldBe("/inbox/login?problem=no-services");
        (await (await browser.GetAsync("/inbox/login?problem=no-services")).Content.ReadAsStringAsync()).ShouldContain("does not give you access to any service");
        (await browser.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _host.Services.GetRequiredService<IStaffAccountStore>().GetAsync("bob@trust.example")).ShouldBeNull();
        (await AuditAsync(_host, actor: AuditActions.UnknownAccount)).ShouldContain(a => a.Detail == "single sign-on: no services");
    }

    [Fact]
    public async Task A_forged_callback_signs_nobody_in()
    {
        using var browser = new CookieBrowser(_host.BaseAddress);
        var html = await (await browser.GetAsync("/inbox/login")).Content.ReadAsStringAsync();
        var authorize = await browser.PostAsync("/inbox/login/oidc", ("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(html)));
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["state"].ToString();

        var callback = await browser.PostAsync("/inbox/signin-oidc", ("code", "a-code-the-provider-never-gave"), ("state", state));

        callback.Headers.Location!.OriginalString.ShouldBe("/inbox/login?problem=sign-in-failed");
        _provider.RefusedTokenRequests.ShouldBe(1);
        (await browser.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }
}
