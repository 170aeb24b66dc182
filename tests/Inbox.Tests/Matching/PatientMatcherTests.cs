using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Tests.Matching.Support;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>The matching policy of SPEC section 4, with the real PDS client talking to a fake PDS on loopback.</summary>
public sealed class PatientMatcherTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private FakePds _pds = null!;
    private ServiceProvider _services = null!;

    private PatientMatcher Matcher => _services.GetRequiredService<PatientMatcher>();

    public async Task InitializeAsync()
    {
        _pds = await FakePds.StartAsync();
        _services = PdsTestServices.Build(_pds, new Dictionary<string, string?> { ["Pds:Resilience:MaxRetries"] = "0" }, _clock);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _pds.DisposeAsync();
    }

    [Fact]
    public async Task One_patient_whose_record_has_the_verified_mobile_is_matched_with_the_nhs_number()
    {
        _pds.Answer(PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("phone", "07700900123", null))));

        var result = await Matcher.MatchAsync(PdsBundles.Request("AAAA-0001"));

        result.ShouldBe(new MatchResult(MatchStatus.Matched, null, "9000000009"));
        _pds.Searches.ShouldHaveSingleItem().Query.ShouldBe("family=Smith&given=Jane&birthdate=eq2010-10-22&address-postalcode=LS1%206AE&_history=true&_max-results=1");
    }

    [Theory]
    [InlineData("phone", "07700 900123")]
    [InlineData("phone", "+44 (0)7700 900123")]
    [InlineData("phone", "+447700900123")]
    [InlineData("phone", "0044 7700 900123")]
    [InlineData("sms", "07700-900-123")]
    public async Task The_record_phone_is_compared_as_e164_whatever_way_it_is_written(string system, string value)
    {
        _pds.Answer(PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("email", "07700900123", null), (system, value, null))));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0002"))).Status.ShouldBe(MatchStatus.Matched);
    }

    [Fact]
    public async Task A_phone_not_verified_is_unmatched_and_pds_is_not_asked()
    {
        var result = await Matcher.MatchAsync(PdsBundles.Request("AAAA-0003", verified: false));

        result.ShouldBe(new MatchResult(MatchStatus.Unmatched, MatchReason.PhoneNotVerified, null));
        _pds.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_verified_mobile_that_is_not_on_the_record_is_unmatched_and_no_nhs_number_is_kept()
    {
        _pds.Answer(PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("phone", "07700900999", null), ("phone", "01632960587", null))));

        var result = await Matcher.MatchAsync(PdsBundles.Request("AAAA-0004"));

        result.ShouldBe(new MatchResult(MatchStatus.Unmatched, MatchReason.PhoneNotOnRecord, null));
    }

    [Fact]
    public async Task A_number_the_record_no_longer_uses_does_not_count_as_it_may_belong_to_someone_else_now()
    {
        _pds.Answer(PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("phone", "07700900123", "2025-06-30"))));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0005"))).Reason.ShouldBe(MatchReason.PhoneNotOnRecord);
    }

    [Fact]
    public async Task The_published_example_jane_has_only_ended_landline_numbers_so_a_mobile_is_not_on_her_record()
    {
        _pds.Answer(FakeAnswer.Fixture("spec-examples/PatientSearch.json"));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0006"))).Reason.ShouldBe(MatchReason.PhoneNotOnRecord);
    }

    [Fact]
    public async Task No_patient_found_is_unmatched_none()
    {
        _pds.Answer(FakeAnswer.Fixture("non-default-branch/empty_bundle.json"));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0007"))).ShouldBe(new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null));
    }

    [Fact]
    public async Task Too_many_matches_is_unmatched_several()
    {
        _pds.Answer(FakeAnswer.Fixture("sandbox-stubs/searchResponses/TOO_MANY_MATCHES.json"));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0008"))).Reason.ShouldBe(MatchReason.SeveralMatches);
    }

    [Fact]
    public async Task Two_patients_in_the_answer_is_unmatched_several_even_when_one_has_the_mobile()
    {
        var twin = PdsBundles.Patient("sandbox-stubs/searchResponses/search_patient_9000000017.json").WithTelecom(("phone", "07700900124", null));
        _pds.Answer(PdsBundles.Searchset(PdsBundles.Jane().WithTelecom(("phone", "07700900123", null)), twin));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0009"))).Reason.ShouldBe(MatchReason.SeveralMatches);
    }

    [Fact]
    public async Task A_restricted_record_shows_no_phones_so_it_is_not_matched()
    {
        // The sandbox's own answer for the restricted Janet Smythe: address, telecom and GP removed.
        _pds.Answer(FakeAnswer.Fixture("sandbox-stubs/searchResponses/search_patient_9000000025.json"));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0010"))).Reason.ShouldBe(MatchReason.PhoneNotOnRecord);
    }

    [Fact]
    public async Task A_record_whose_nhs_number_fails_the_check_digit_is_never_matched()
    {
        var broken = PdsBundles.Jane().WithTelecom(("phone", "07700900123", null));
        broken["id"] = "9000000000";
        broken["identifier"]![0]!["value"] = "9000000000";
        _pds.Answer(PdsBundles.Searchset(broken));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0011"))).ShouldBe(new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(401)]
    [InlineData(400)]
    public async Task Pds_failing_is_unmatched_pds_unavailable_never_an_exception(int status)
    {
        _pds.Answer(FakeAnswer.Fixture("non-default-branch/service_unavailable.json", status));

        (await Matcher.MatchAsync(PdsBundles.Request("AAAA-0012"))).ShouldBe(new MatchResult(MatchStatus.Unmatched, MatchReason.PdsUnavailable, null));
    }
}
