using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientContact.Conversation.Dev.Pds;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Matching.Pds;

namespace PatientContact.EndToEnd.Tests.Matching;

/// <summary>One Development host shared by the local PDS tests: they only read.</summary>
public sealed class DevPdsHost : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await ServiceHost.StartAsync();
        Http = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The local PDS endpoint of a Development host, over HTTP, as the real client and PDS's own documentation use it.</summary>
public sealed class DevPdsTests(DevPdsHost fixture) : IClassFixture<DevPdsHost>
{
    private readonly ServiceHost _host = fixture.Host;
    private readonly HttpClient _http = fixture.Http;

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(string pathAndQuery, string? requestId = "a8a2b7b4-0c1d-4f7e-9a55-1b2c3d4e5f60", string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dev/pds/" + pathAndQuery);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await _http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    private static string[] NhsNumbers(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries) ? [.. entries.EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("id").GetString()!)] : [];

    private static string? ErrorCode(JsonElement outcome) =>
        outcome.GetProperty("issue")[0].GetProperty("details").GetProperty("coding")[0].GetProperty("code").GetString();

    [Fact]
    public async Task The_real_pds_client_finds_jane_smith_over_http_with_her_mobile()
    {
        var pds = _host.Services.GetRequiredService<IPdsClient>();

        var result = await pds.SearchAsync(new PdsSearch
        {
            Family = "Smith",
            Given = ["Jane"],
            BirthDate = new DateOnly(2010, 10, 22),
            Postcode = "LS1 6AE",
            History = true,
            MaxResults = 1,
        });

        var jane = result.Patients.ShouldHaveSingleItem();
        jane.NhsNumber.ShouldBe("9000000009");
        jane.Gender.ShouldBe("female");
        jane.Telecom.ShouldContain(t => t.System == "phone" && t.Value == "07700900123" && t.Use == "mobile");
    }

    [Fact]
    public async Task A_searchset_comes_back_as_fhir_json_with_total_scores_full_urls_and_the_request_id_echoed()
    {
        var (status, bundle, response) = await GetAsync("Patient?family=Smith&given=Jane&birthdate=eq2010-10-22");

        status.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/fhir+json");
        response.Headers.GetValues("X-Request-ID").ShouldBe(["a8a2b7b4-0c1d-4f7e-9a55-1b2c3d4e5f60"]);
        bundle.GetProperty("resourceType").GetString().ShouldBe("Bundle");
        bundle.GetProperty("type").GetString().ShouldBe("searchset");
        bundle.GetProperty("total").GetInt32().ShouldBe(1);
        var entry = bundle.GetProperty("entry")[0];
        entry.GetProperty("search").GetProperty("score").GetDouble().ShouldBe(1.0);
        entry.GetProperty("fullUrl").GetString().ShouldBe($"http://127.0.0.1:{_host.Port}/dev/pds/Patient/9000000009");
    }

    [Fact]
    public async Task Names_are_case_insensitive_and_postcode_spaces_are_ignored()
    {
        var (_, bundle, _) = await GetAsync("Patient?family=SMITH&given=jane&birthdate=2010-10-22&address-postalcode=ls16ae");

        NhsNumbers(bundle).ShouldBe(["9000000009"]);
    }

    [Fact]
    public async Task Exact_by_default_fuzzy_on_request_finds_homophones_and_exact_match_keeps_only_exact_ones()
    {
        NhsNumbers((await GetAsync("Patient?family=Smyth&given=Jane&birthdate=eq2010-10-22")).Body).ShouldBeEmpty();

        var fuzzy = (await GetAsync("Patient?family=Smyth&given=Jane&birthdate=eq2010-10-22&_fuzzy-match=true")).Body;
        NhsNumbers(fuzzy).ShouldBe(["9000000009", "9000000017"], ignoreOrder: true);
        fuzzy.GetProperty("entry").EnumerateArray().ShouldAllBe(e => e.GetProperty("search").GetProperty("score").GetDouble() == 0.9);

        NhsNumbers((await GetAsync("Patient?family=Smyth&given=Jane&birthdate=eq2010-10-22&_fuzzy-match=true&_exact-match=true")).Body).ShouldBeEmpty();
    }

    [Fact]
    public async Task Twins_sharing_name_birthday_and_postcode_give_too_many_matches_when_one_result_is_asked_for()
    {
        var (status, outcome, _) = await GetAsync("Patient?family=Morgan&given=Alex&birthdate=eq2001-03-14&address-postalcode=LS2%207EW&_max-results=1");

        status.ShouldBe(HttpStatusCode.OK);
        outcome.GetProperty("resourceType").GetString().ShouldBe("OperationOutcome");
        ErrorCode(outcome).ShouldBe("TOO_MANY_MATCHES");
        outcome.GetProperty("issue")[0].GetProperty("code").GetString().ShouldBe("multiple-matches");

        NhsNumbers((await GetAsync("Patient?family=Morgan&given=Alex&birthdate=eq2001-03-14")).Body).Length.ShouldBe(2);
        NhsNumbers((await GetAsync("Patient?family=Morgan&given=Alex&gender=male&birthdate=eq2001-03-14&_max-results=1")).Body).ShouldBe(["9000001005"]);
    }

    [Fact]
    public async Task A_restricted_patient_comes_back_without_address_or_phones_and_not_at_all_when_the_postcode_is_searched()
    {
        var janet = (await GetAsync("Patient?family=Smythe&birthdate=eq2005-06-16")).Body.GetProperty("entry")[0].GetProperty("resource");

        janet.GetProperty("meta").GetProperty("security")[0].GetProperty("code").GetString().ShouldBe("R");
        janet.TryGetProperty("address", out _).ShouldBeFalse();
        janet.TryGetProperty("telecom", out _).ShouldBeFalse();
        janet.TryGetProperty("generalPractitioner", out _).ShouldBeFalse();
        NhsNumbers((await GetAsync("Patient?family=Smythe&birthdate=eq2005-06-16&address-postalcode=LS1%204AP")).Body).ShouldBeEmpty();
    }

    [Fact]
    public async Task Wildcards_and_date_ranges_work_as_pds_documents()
    {
        NhsNumbers((await GetAsync("Patient?family=Sm%2A&birthdate=ge2005-01-01&birthdate=le2010-12-31")).Body)
            .ShouldBe(["9000000009", "9000000017", "9000000025"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("Patient", 400, "UNSUPPORTED_SERVICE")]
    [InlineData("Patient?family=Smith&birthdate=eq2010-10-22&colour=blue", 400, "ADDITIONAL_PROPERTIES")]
    [InlineData("Patient?family=Smith&birthdate=20101022", 400, "INVALID_VALUE")]
    [InlineData("Patient?family=Smith", 400, "MISSING_VALUE")]
    [InlineData("Patient?given=Jane&birthdate=eq2010-10-22", 400, "INVALID_SEARCH_DATA")]
    [InlineData("Patient?family=S%2A&birthdate=eq2010-10-22", 400, "INVALID_SEARCH_DATA")]
    [InlineData("Patient?family=Sm%2A&given=Jane&birthdate=eq2010-10-22&_fuzzy-match=true", 400, "INVALID_SEARCH_DATA")]
    [InlineData("Patient?family=Smith&birthdate=eq2010-10-22&gender=mal", 400, "INVALID_VALUE")]
    [InlineData("Patient?family=Smith&birthdate=eq2010-10-22&_max-results=51", 400, "INVALID_VALUE")]
    [InlineData("Patient/9000000000", 400, "INVALID_RESOURCE_ID")]
    [InlineData("Patient/9434765919", 404, "RESOURCE_NOT_FOUND")]
    public async Task A_request_pds_would_refuse_gets_its_operation_outcome(string pathAndQuery, int status, string code)
    {
        var (actual, outcome, _) = await GetAsync(pathAndQuery);

        ((int)actual).ShouldBe(status);
        ErrorCode(outcome).ShouldBe(code);
    }

    [Theory]
    [InlineData(null, "MISSING_VALUE")]
    [InlineData("1234", "INVALID_VALUE")]
    public async Task A_missing_or_malformed_request_id_is_refused(string? requestId, string code)
    {
        var (status, outcome, _) = await GetAsync("Patient?family=Smith&birthdate=eq2010-10-22", requestId);

        status.ShouldBe(HttpStatusCode.BadRequest);
        ErrorCode(outcome).ShouldBe(code);
    }

    [Fact]
    public async Task An_authorization_header_that_is_not_a_bearer_token_is_refused()
    {
        var (status, outcome, _) = await GetAsync("Patient?family=Smith&birthdate=eq2010-10-22", authorization: "Basic abc");

        status.ShouldBe(HttpStatusCode.Unauthorized);
        ErrorCode(outcome).ShouldBe("ACCESS_DENIED");
        (await GetAsync("Patient?family=Smith&birthdate=eq2010-10-22", authorization: "Bearer g1112R_ccQ1Ebbb4gtHBP1aaaNM")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_read_by_nhs_number_returns_the_whole_record()
    {
        var (status, jane, _) = await GetAsync("Patient/9000000009");

        status.ShouldBe(HttpStatusCode.OK);
        jane.GetProperty("name")[0].GetProperty("family").GetString().ShouldBe("Smith");
    }
}

/// <summary>Outside Development the local PDS does not exist.</summary>
public sealed class DevPdsOutsideDevelopmentTests
{
    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public async Task Outside_development_dev_pds_is_404(string environment)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(TimeProvider.System);
        await using var app = builder.Build();
        app.MapGet("/health/live", () => "live");
        app.MapDevPds();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dev/pds/Patient?family=Smith&birthdate=eq2010-10-22");
        request.Headers.Add("X-Request-ID", Guid.NewGuid().ToString());

        var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.StopAsync();
    }
}
