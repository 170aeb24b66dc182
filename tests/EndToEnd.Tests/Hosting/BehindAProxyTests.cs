using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>
/// The service behind a TLS-ending load balancer on loopback (<see cref="LoopbackProxy"/>), as
/// docs/deployment.md describes: patients reach it at https://contact.example.nhs.uk through a proxy
/// at 127.0.0.1, which is the only address in <c>ForwardedHeaders:KnownProxies</c>. A second proxy
/// connecting from 127.0.0.2 is not trusted. Each patient's device connects to the proxy from an
/// address of its own (127.0.0.10 and up).
/// </summary>
public sealed class BehindAProxyTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://contact.example.nhs.uk";
    private static readonly IPAddress Trusted = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.2");

    private ServiceHost _host = null!;
    private LoopbackProxy _trusted = null!;
    private LoopbackProxy _untrusted = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["PublicBaseUrl"] = PublicBaseUrl,
            ["ForwardedHeaders:KnownProxies:0"] = Trusted.ToString(),
            ["WebChat:TokenRequestsPerMinute"] = "3",
        });
        _trusted = await LoopbackProxy.StartAsync(_host.BaseAddress, Trusted);
        _untrusted = await LoopbackProxy.StartAsync(_host.BaseAddress, Untrusted);
    }

    public async Task DisposeAsync()
    {
        await _trusted.DisposeAsync();
        await _untrusted.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Through_the_trusted_proxy_each_patient_has_their_own_new_chat_limit()
    {
        // Five patients, one device each, all through the same balancer.
        for (var patient = 10; patient < 15; patient++)
        {
            using var device = LoopbackProxy.ClientFrom(IPAddress.Parse($"127.0.0.{patient}"), _trusted.BaseAddress);
            (await TokenStatusesAsync(device, 3)).ShouldAllBe(s => s == HttpStatusCode.OK, $"patient at 127.0.0.{patient}");
        }

        using var busy = LoopbackProxy.ClientFrom(IPAddress.Parse("127.0.0.10"), _trusted.BaseAddress);
        using var refused = await busy.PostAsync("/c/riverside-gp/token", null);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "the same patient's fourth new chat in a minute");
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Too many conversations were started from here.");
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_proxy_are_ignored_so_its_clients_count_as_one()
    {
        var statuses = new List<HttpStatusCode>();
        for (var patient = 20; patient < 24; patient++)
        {
            using var device = LoopbackProxy.ClientFrom(IPAddress.Parse($"127.0.0.{patient}"), _untrusted.BaseAddress);
            statuses.AddRange(await TokenStatusesAsync(device, 1));
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
    }

    [Fact]
    public async Task A_client_calling_directly_cannot_choose_its_address_with_x_forwarded_for()
    {
        using var client = LoopbackProxy.ClientFrom(IPAddress.Parse("127.0.0.30"), _host.BaseAddress);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/c/riverside-gp/token");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
    }

    [Fact]
    public async Task The_stream_url_is_wss_under_the_public_address_whatever_host_the_request_named()
    {
        using var device = LoopbackProxy.ClientFrom(IPAddress.Parse("127.0.0.40"), _trusted.BaseAddress);
        device.DefaultRequestHeaders.Host = "attacker.example";

        var conversation = await new DirectLineHttp(device).StartAsync();

        conversation.StreamUrl.ShouldStartWith($"wss://contact.example.nhs.uk/v3/directline/conversations/{conversation.Id}/stream?t=");
        using var page = await device.GetAsync("/c/riverside-gp");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("connect-src 'self' blob: wss://contact.example.nhs.uk;");
        policy.ShouldNotContain("attacker.example");
        using var qr = await device.GetAsync("/c/riverside-gp/qr.svg");
        qr.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<List<HttpStatusCode>> TokenStatusesAsync(HttpClient device, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await device.PostAsync("/c/riverside-gp/token", null);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"].ShouldNotBeNull();
            }
        }

        return statuses;
    }
}

/// <summary>
/// Two trusted hops (a CDN in front of the balancer, both inside <c>ForwardedHeaders:KnownNetworks</c>):
/// the client is the first address that is not a trusted hop, and an IPv6 client counts by its /64.
/// </summary>
public sealed class BehindTwoProxiesTests
{
    [Fact]
    public async Task An_ipv6_client_counts_by_its_64_through_trusted_networks()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["PublicBaseUrl"] = "https://contact.example.nhs.uk",
            ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
            ["WebChat:TokenRequestsPerMinute"] = "2",
        });
        await using var balancer = await LoopbackProxy.StartAsync(host.BaseAddress, IPAddress.Parse("127.0.0.1"));
        // The CDN connects to the balancer from 127.0.0.60 and says who called it.
        using var cdn = LoopbackProxy.ClientFrom(IPAddress.Parse("127.0.0.60"), balancer.BaseAddress);

        async Task<HttpStatusCode> TokenFor(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/c/riverside-gp/token");
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await cdn.SendAsync(request);
            return response.StatusCode;
        }

        // One phone, three addresses in its /64: one limit.
        (await TokenFor("2001:db8:1:2::a")).ShouldBe(HttpStatusCode.OK);
        (await TokenFor("2001:db8:1:2:ffff::b")).ShouldBe(HttpStatusCode.OK);
        (await TokenFor("2001:db8:1:2::c")).ShouldBe(HttpStatusCode.TooManyRequests);
        // The next /64 is someone else; so is an IPv4 client.
        (await TokenFor("2001:db8:1:3::a")).ShouldBe(HttpStatusCode.OK);
        (await TokenFor("203.0.113.7")).ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>Staff single sign-on behind the balancer: the provider is told to send people back to the public https address.</summary>
public sealed class SignInBehindAProxyTests
{
    [Fact]
    public async Task The_sign_in_return_address_and_login_redirect_are_under_the_public_https_address()
    {
        await using var provider = await FakeIdentityProvider.StartAsync();
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["PublicBaseUrl"] = "https://contact.example.nhs.uk",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Staff:SignIn"] = "Oidc",
            ["Staff:Oidc:Authority"] = provider.Issuer,
            ["Staff:Oidc:ClientId"] = FakeIdentityProvider.ClientId,
            ["Staff:Oidc:ClientSecret"] = FakeIdentityProvider.ClientSecret,
            ["Staff:Oidc:RequireHttpsMetadata"] = "false",
        });
        await using var proxy = await LoopbackProxy.StartAsync(host.BaseAddress, IPAddress.Parse("127.0.0.1"));
        var device = LoopbackProxy.ClientFrom(IPAddress.Parse("127.0.0.70"), proxy.BaseAddress);
        device.DefaultRequestHeaders.Host = "attacker.example";
        using var browser = new CookieBrowser(device);

        using var inbox = await browser.GetAsync("/inbox");
        inbox.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        inbox.Headers.Location!.ToString().ShouldStartWith("https://contact.example.nhs.uk/inbox/login?returnUrl=");

        using var login = await browser.GetAsync("/inbox/login");
        var html = await login.Content.ReadAsStringAsync();
        using var authorize = await browser.PostAsync("/inbox/login/oidc", ("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(html)));

        authorize.StatusCode.ShouldBe(HttpStatusCode.Redirect, html);
        var asked = QueryHelpers.ParseQuery(authorize.Headers.Location!.Query);
        asked["redirect_uri"].ToString().ShouldBe("https://contact.example.nhs.uk/inbox/signin-oidc");
        authorize.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith(".AspNetCore.Correlation", StringComparison.Ordinal))
            .ShouldAllBe(c => c.Contains("secure", StringComparison.OrdinalIgnoreCase), "the balancer said https");
    }
}
