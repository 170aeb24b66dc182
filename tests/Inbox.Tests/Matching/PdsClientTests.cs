using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Tests.Matching.Support;
using PatientContact.Tests.Support;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>The PDS client against a fake PDS on loopback serving PDS's own published example responses.</summary>
public sealed partial class PdsClientTests : IAsyncLifetime
{
    private static readonly PdsSearch JaneSmith = new()
    {
        Family = "Smith",
        Given = ["Jane"],
        BirthDate = new DateOnly(2010, 10, 22),
        Postcode = "LS1 6AE",
        History = true,
        MaxResults = 1,
    };

    private readonly CapturedLogs _logs = new();
    private FakePds _pds = null!;

    public async Task InitializeAsync() => _pds = await FakePds.StartAsync();

    public async Task DisposeAsync() => await _pds.DisposeAsync();

    private IPdsClient Client(IDictionary<string, string?>? settings = null, TimeProvider? time = null) =>
        PdsTestServices.Build(_pds, settings, time, _logs).GetRequiredService<IPdsClient>();

    [Fact]
    public async Task A_single_match_is_read_with_its_nhs_number_names_postcode_and_phones()
    {
        _pds.Answer(FakeAnswer.Fixture("spec-examples/PatientSearch.json"));

        var result = await Client().SearchAsync(JaneSmith);

        result.TooManyMatches.ShouldBeFalse();
        var jane = result.Patients.ShouldHaveSingleItem();
        jane.NhsNumber.ShouldBe("9000000009");
        jane.Family.ShouldBe("Smith");
        jane.Given.ShouldBe(["Jane"]);
        jane.BirthDate.ShouldBe(new DateOnly(2010, 10, 22));
        jane.Postcode.ShouldBe("LS1 6AE");
        jane.Gender.ShouldBe("female");
        jane.Score.ShouldBe(0.75);
        jane.Restricted.ShouldBeFalse();
        jane.Telecom.ShouldContain(t => t.System == "phone" && t.Value == "01632960587" && t.Use == "home" && t.PeriodEnd == new DateOnly(2025, 12, 31));
        jane.Telecom.ShouldContain(t => t.System == "email" && t.Value == "jane.smith@example.com");
    }

    [Fact]
    public async Task The_search_follows_the_published_api_parameters_and_headers()
    {
        _pds.Answer(FakeAnswer.Fixture("spec-examples/PatientSearch.json"));

        await Client(new Dictionary<string, string?> { ["Pds:EndUserOrganisationOds"] = "Y12345" }).SearchAsync(JaneSmith with
        {
            Family = "Sm*",
            Given = ["John Paul", "James"],
            Gender = PdsGender.Female,
        });

        var sent = _pds.Searches.ShouldHaveSingleItem();
        sent.Method.ShouldBe("GET");
        sent.Path.ShouldBe("/personal-demographics/FHIR/R4/Patient");
        sent.Query.ShouldBe("family=Sm%2A&given=John%20Paul&given=James&gender=female&birthdate=eq2010-10-22&address-postalcode=LS1%206AE&_history=true&_max-results=1");
        Uuid().IsMatch(sent.Headers["X-Request-ID"]).ShouldBeTrue();
        sent.Headers["Accept"].ShouldBe("application/fhir+json");
        sent.Headers["NHSD-End-User-Organisation-ODS"].ShouldBe("Y12345");
        sent.Headers.ShouldNotContainKey("Authorization");
    }

    [Fact]
    public async Task Each_search_has_its_own_request_id()
    {
        _pds.Default = FakeAnswer.Fixture("non-default-branch/empty_bundle.json");
        var client = Client();

        await client.SearchAsync(JaneSmith);
        await client.SearchAsync(JaneSmith);

        _pds.Searches.Select(s => s.Headers["X-Request-ID"]).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task Fuzzy_and_exact_flags_are_sent_only_when_asked_for()
    {
        _pds.Default = FakeAnswer.Fixture("non-default-branch/empty_bundle.json");
        var client = Client();

        await client.SearchAsync(new PdsSearch { Family = "Smith", BirthDate = new DateOnly(2010, 10, 22) });
        await client.SearchAsync(JaneSmith with { FuzzyMatch = true, ExactMatch = true, History = false, MaxResults = null });

        _pds.Searches[0].Query.ShouldBe("family=Smith&birthdate=eq2010-10-22");
        _pds.Searches[1].Query.ShouldBe("family=Smith&given=Jane&birthdate=eq2010-10-22&address-postalcode=LS1%206AE&_fuzzy-match=true&_exact-match=true");
    }

    [Fact]
    public async Task No_match_is_an_empty_searchset()
    {
        _pds.Answer(FakeAnswer.Fixture("non-default-branch/empty_bundle.json"));

        var result = await Client().SearchAsync(JaneSmith);

        result.TooManyMatches.ShouldBeFalse();
        result.Patients.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("sandbox-stubs/searchResponses/TOO_MANY_MATCHES.json")]
    [InlineData("operation-outcomes/too_many_matches.json")]
    public async Task Too_many_matches_is_an_operation_outcome_with_http_200(string fixture)
    {
        _pds.Answer(FakeAnswer.Fixture(fixture));

        var result = await Client().SearchAsync(JaneSmith);

        result.TooManyMatches.ShouldBeTrue();
        result.Patients.ShouldBeEmpty();
        _pds.Searches.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_restricted_patient_is_flagged_and_has_no_address_or_phones()
    {
        _pds.Answer(FakeAnswer.Fixture("spec-examples/Sensitive_PatientSearch.json"));

        var result = await Client().SearchAsync(JaneSmith with { Family = "Smythe", Given = ["Janet"] });

        var janet = result.Patients.ShouldHaveSingleItem();
        janet.NhsNumber.ShouldBe("9000000025");
        janet.Restricted.ShouldBeTrue();
        janet.Telecom.ShouldBeEmpty();
        janet.Postcode.ShouldBeNull();
    }

    [Theory]
    [InlineData("sandbox-stubs/searchResponses/youds_searchset.json", 4)]
    [InlineData("sandbox-stubs/searchResponses/fuzzy_multimatch_searchset.json", 20)]
    [InlineData("sandbox-stubs/searchResponses/pauline_attison_searchset.json", 2)]
    [InlineData("sandbox-stubs/searchResponses/rodney_godsoe_searchset.json", 1)]
    [InlineData("spec-examples/Minimal_PatientSearch.json", 1)]
    public async Task Every_published_searchset_is_read_with_a_valid_nhs_number_for_each_patient(string fixture, int patients)
    {
        _pds.Answer(FakeAnswer.Fixture(fixture));

        var result = await Client().SearchAsync(JaneSmith);

        result.Patients.Count.ShouldBe(patients);
        result.Patients.ShouldAllBe(p => PatientContact.Inbox.Matching.NhsNumber.IsValid(p.NhsNumber));
    }

    [Theory]
    [InlineData(400, "non-default-branch/invalid_value.json", "INVALID_VALUE")]
    [InlineData(400, "non-default-branch/missing_value.json", "MISSING_VALUE")]
    [InlineData(400, "sandbox-stubs/errorResponses/UNSUPPORTED_SERVICE.json", "UNSUPPORTED_SERVICE")]
    [InlineData(401, "operation-outcomes/invalid_access_token.json", "ACCESS_DENIED")]
    [InlineData(401, "operation-outcomes/missing_authorization_header.json", "ACCESS_DENIED")]
    [InlineData(404, "sandbox-stubs/errorResponses/INVALIDATED_RESOURCE.json", "INVALIDATED_RESOURCE")]
    [InlineData(404, "sandbox-stubs/errorResponses/RESOURCE_NOT_FOUND.json", "RESOURCE_NOT_FOUND")]
    public async Task A_client_error_is_not_retried_and_names_its_status_and_code_without_diagnostics(int status, string fixture, string code)
    {
        _pds.Answer(FakeAnswer.Fixture(fixture, status));

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => Client().SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.ErrorResponse);
        ((int)error.Status!).ShouldBe(status);
        error.ErrorCode.ShouldBe(code);
        error.Message.ShouldBe($"PDS search failed: ErrorResponse, HTTP {status} {code}.");
        _pds.Searches.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(429, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"value","details":{"coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","version":"1","code":"TOO_MANY_REQUESTS","display":"Too many requests"}]}}]}""", "TOO_MANY_REQUESTS")]
    [InlineData(500, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"unknown","details":{"coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","version":"1","code":"UNKNOWN_ERROR","display":"Unknown error"}]}}]}""", "UNKNOWN_ERROR")]
    [InlineData(503, null, "SERVICE_UNAVAILABLE")]
    public async Task A_server_error_is_retried_with_the_same_request_id_then_reported(int status, string? body, string code)
    {
        var answer = body is null ? FakeAnswer.Fixture("non-default-branch/service_unavailable.json", status) : new FakeAnswer(status, body);
        _pds.Answer(answer, answer, answer);

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => Client().SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.ErrorResponse);
        ((int)error.Status!).ShouldBe(status);
        error.ErrorCode.ShouldBe(code);
        _pds.Searches.Count.ShouldBe(3);
        _pds.Searches.Select(s => s.Headers["X-Request-ID"]).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_503_with_retry_after_then_an_answer_gives_the_answer()
    {
        _pds.Answer(
            FakeAnswer.Fixture("non-default-branch/service_unavailable.json", 503, new Dictionary<string, string> { ["Retry-After"] = "1" }),
            FakeAnswer.Fixture("spec-examples/PatientSearch.json"));

        var result = await Client().SearchAsync(JaneSmith);

        result.Patients.ShouldHaveSingleItem().NhsNumber.ShouldBe("9000000009");
        _pds.Searches.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_slow_answer_past_the_timeout_fails_as_a_timeout_after_its_retries()
    {
        _pds.Default = FakeAnswer.Fixture("spec-examples/PatientSearch.json", delay: TimeSpan.FromSeconds(10));
        var client = Client(new Dictionary<string, string?>
        {
            ["Pds:Resilience:AttemptTimeout"] = "00:00:00.300",
            ["Pds:Resilience:MaxRetries"] = "1",
        });

        var started = DateTimeOffset.UtcNow;
        var error = await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.Timeout);
        (DateTimeOffset.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(5));
        _pds.Searches.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_total_timeout_bounds_a_search_whatever_the_retries()
    {
        _pds.Default = FakeAnswer.Fixture("spec-examples/PatientSearch.json", delay: TimeSpan.FromSeconds(10));
        var client = Client(new Dictionary<string, string?>
        {
            ["Pds:Resilience:AttemptTimeout"] = "00:00:00.400",
            ["Pds:Resilience:TotalTimeout"] = "00:00:00.600",
            ["Pds:Resilience:MaxRetries"] = "5",
        });

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.Timeout);
        _pds.Searches.Count.ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_refused_connection_is_a_network_failure_whose_message_names_no_address()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var client = Client(new Dictionary<string, string?> { ["Pds:BaseUrl"] = $"http://127.0.0.1:{port}/FHIR/R4", ["Pds:Resilience:MaxRetries"] = "0" });

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.Network);
        error.Message.ShouldNotContain("127.0.0.1");
        error.InnerException.ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"9000000009"}""")]
    [InlineData("<html>gateway</html>")]
    [InlineData("sandbox-stubs/errorResponses/NOT_SUPPORTED_SEARCH.json")]
    public async Task A_200_that_is_neither_a_searchset_nor_too_many_matches_is_unexpected(string body)
    {
        _pds.Answer(body.EndsWith(".json", StringComparison.Ordinal) ? FakeAnswer.Fixture(body) : new FakeAnswer(200, body));

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => Client().SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.UnexpectedResponse);
    }

    [Fact]
    public async Task Switched_off_it_calls_nothing()
    {
        var error = await Should.ThrowAsync<PdsUnavailableException>(() => Client(new Dictionary<string, string?> { ["Pds:Enabled"] = "false" }).SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.Disabled);
        _pds.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Nothing_personal_is_logged_neither_the_url_nor_the_diagnostics()
    {
        _pds.Answer(
            FakeAnswer.Fixture("spec-examples/PatientSearch.json"),
            new FakeAnswer(400, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"value","details":{"coding":[{"code":"INVALID_VALUE"}]},"diagnostics":"Invalid value - 'Smith' in field 'family'"}]}"""));
        var client = Client();

        await client.SearchAsync(JaneSmith);
        await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith));

        _logs.Lines.Count.ShouldBeGreaterThanOrEqualTo(2);
        _logs.All.ShouldContain("INVALID_VALUE");
        foreach (var personal in new[] { "Smith", "Jane", "2010-10-22", "LS1", "family=", "/Patient", "9000000009", "01632960587" })
        {
            _logs.All.ShouldNotContain(personal);
        }
    }

    [Fact]
    public async Task The_circuit_opens_after_failures_fails_fast_then_lets_a_trial_through_after_the_break()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = Client(
            new Dictionary<string, string?>
            {
                ["Pds:Resilience:MaxRetries"] = "0",
                ["Pds:Resilience:MinimumThroughput"] = "3",
                ["Pds:Resilience:FailureRatio"] = "0.5",
                ["Pds:Resilience:SamplingDuration"] = "00:01:00",
                ["Pds:Resilience:BreakDuration"] = "00:00:30",
            },
            clock);
        _pds.Default = FakeAnswer.Fixture("non-default-branch/service_unavailable.json", 503);

        for (var i = 0; i < 3; i++)
        {
            (await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith))).Failure.ShouldBe(PdsFailure.ErrorResponse);
        }

        var open = await Should.ThrowAsync<PdsUnavailableException>(() => client.SearchAsync(JaneSmith));
        open.Failure.ShouldBe(PdsFailure.CircuitOpen);
        _pds.Searches.Count.ShouldBe(3);

        _pds.Default = FakeAnswer.Fixture("spec-examples/PatientSearch.json");
        clock.Advance(TimeSpan.FromSeconds(31));
        var result = await client.SearchAsync(JaneSmith);

        result.Patients.ShouldHaveSingleItem();
        _pds.Searches.Count.ShouldBe(4);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Uuid();
}
