using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// Machine access to the inbox API: systems get JWT access tokens from a stand-in issuer on loopback
/// (client credentials), and the service checks each token's signature, issuer, audience, lifetime and
/// per-service scopes. Reads need <c>inbox.read:{service}</c>, changes <c>inbox.write:{service}</c>;
/// every call is audited as the integration.
/// </summary>
public sealed class IntegrationApiTests : IAsyncLifetime
{
    private const string Audience = "api://patientcontact";
    private FakeIdentityProvider _issuer = null!;
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIdentityProvider.StartAsync();
        _issuer.RegisterMachineClient("gp-system", "gp-secret", Audience, "inbox.read:riverside-gp");
        _issuer.RegisterMachineClient("gp-writer", "writer-secret", Audience, "inbox.write:riverside-gp");
        _host = await ServiceHost.StartAsync(Settings(
            ("Integrations:Authority", _issuer.Issuer),
            ("Integrations:Audience", Audience),
            ("Integrations:RequireHttpsMetadata", "false")));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_read_token_lists_and_reads_only_its_services_requests_and_each_read_is_audited_as_the_integration()
    {
        var riverside = await SubmitAsync(_host);
        var northside = await SubmitAsync(_host, "northside-community");
        using var api = Client(await TokenAsync("gp-system", "gp-secret"));

        var list = await api.GetFromJsonAsync<JsonElement>("/api/inbox/requests?pageSize=100");
        var listed = list.GetProperty("items").EnumerateArray().ToList();
        listed.ShouldContain(i => i.GetProperty("referenceId").GetString() == riverside);
        listed.ShouldAllBe(i => i.GetProperty("serviceId").GetString() == "riverside-gp");
        using var mine = await api.GetAsync($"/api/inbox/requests/{riverside}");
        mine.StatusCode.ShouldBe(HttpStatusCode.OK);
        mine.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await api.GetAsync($"/api/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "another service's request is not there for it");
        (await api.GetAsync("/api/inbox/audit")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "an integration is never an administrator");

        var audit = await AuditAsync(_host, actor: "integration:gp-system");
        audit.ShouldContain(a => a.Action == AuditActions.Exported && a.ReferenceId == riverside);
        audit.ShouldContain(a => a.Action == AuditActions.ListExported);
        audit.ShouldNotContain(a => a.ReferenceId == northside);
    }

    [Fact]
    public async Task A_read_token_cannot_change_a_request_and_a_write_token_can()
    {
        var riverside = await SubmitAsync(_host);
        using var reader = Client(await TokenAsync("gp-system", "gp-secret"));
        using var writer = Client(await TokenAsync("gp-writer", "writer-secret"));
        var version = (await writer.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{riverside}")).GetProperty("version").GetInt64();

        using var refused = await reader.PostAsJsonAsync($"/api/inbox/requests/{riverside}/status", new { status = "in-progress", version });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _host.Services.GetRequiredService<IRequestStore>().GetAsync(riverside))!.Status.ShouldBe(RequestStatus.New);

        using var changed = await writer.PostAsJsonAsync($"/api/inbox/requests/{riverside}/status", new { status = "in-progress", version });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("in progress");
        (await _host.Services.GetRequiredService<IRequestStore>().GetAsync(riverside))!.Status.ShouldBe(RequestStatus.InProgress);

        using var stale = await writer.PostAsJsonAsync($"/api/inbox/requests/{riverside}/status", new { status = "done", version });
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict, "the version it read is no longer the latest");
        using var bad = await writer.PostAsJsonAsync($"/api/inbox/requests/{riverside}/status", new { status = "finished", version = version + 1 });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("Choose a status: new, in progress or done.");
        (await AuditAsync(_host, actor: "integration:gp-writer")).ShouldContain(a => a.Action == AuditActions.StatusChanged && a.ReferenceId == riverside);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("forged")]
    [InlineData("expired")]
    [InlineData("other-audience")]
    [InlineData("no-inbox-scope")]
    public async Task A_missing_forged_expired_or_misdirected_token_gets_nothing(string kind)
    {
        var riverside = await SubmitAsync(_host);
        var token = kind switch
        {
            "none" => null,
            "forged" => _issuer.AccessToken("gp-system", Audience, "inbox.read:riverside-gp", signedElsewhere: true),
            "expired" => _issuer.AccessToken("gp-system", Audience, "inbox.read:riverside-gp", lifetime: TimeSpan.FromMinutes(-10)),
            "other-audience" => _issuer.AccessToken("gp-system", "api://something-else", "inbox.read:riverside-gp"),
            _ => _issuer.AccessToken("gp-system", Audience, "openid reports.read"),
        };
        using var api = Client(token);

        using var response = await api.GetAsync($"/api/inbox/requests/{riverside}");

        response.StatusCode.ShouldBe(kind == "no-inbox-scope" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain(riverside);
        if (kind != "no-inbox-scope")
        {
            response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
        }

        (await AuditAsync(_host, actor: "integration:gp-system")).ShouldNotContain(a => a.ReferenceId == riverside);
    }

    [Fact]
    public async Task A_bearer_token_opens_the_api_only_not_the_staff_pages()
    {
        using var api = Client(await TokenAsync("gp-system", "gp-secret"));

        using var page = await api.GetAsync("/inbox");

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/inbox/login");
    }

    private async Task<string> TokenAsync(string clientId, string secret)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{_issuer.Issuer}/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private HttpClient Client(string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
