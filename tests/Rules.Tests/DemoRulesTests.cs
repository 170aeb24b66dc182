using FsCheck.Xunit;

namespace PatientContact.Rules.Tests;

public sealed class DemoRulesTests
{
    private static readonly RuleBook Book = RuleBookLoader.Load(RulesFolders.Demo);
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Demo_services_load_with_their_sms_numbers_and_types()
    {
        Book.Services.Select(s => (s.Id, s.Type, s.SmsNumbers.Single())).ShouldBe(
        [
            ("riverside-gp", "gp-practice", "+447700900001"),
            ("northside-community", "community-trust", "+447700900002"),
            ("hillview-mental-health", "mental-health-trust", "+447700900003"),
        ]);
        Book.Services.ShouldAllBe(s => s.Name.Length > 0 && s.PhoneNumber.StartsWith("0113 496 ") && s.DailyCapacity == null);
        Book.FindService("riverside-gp")!.Name.ShouldBe("Riverside GP Practice");
    }

    [Fact]
    public void Only_riverside_has_a_duty_number_for_emergency_alerts() =>
        Book.Services.Select(s => (s.Id, s.DutyAlertNumber)).ShouldBe(
        [
            ("riverside-gp", (string?)"+447700900999"),
            ("northside-community", null),
            ("hillview-mental-health", null),
        ]);

    [Theory]
    [InlineData("riverside-gp")]
    [InlineData("Riverside-GP")]
    [InlineData("RIVERSIDE-GP")]
    public void Service_is_found_by_slug_whatever_its_case(string slug) =>
        Book.FindService(slug)!.Id.ShouldBe("riverside-gp");

    [Fact]
    public void Unknown_service_is_not_found() => Book.FindService("nowhere-gp").ShouldBeNull();

    [Theory]
    [InlineData("+447700900001", "riverside-gp")]
    [InlineData("+447700900002", "northside-community")]
    [InlineData("+447700900003", "hillview-mental-health")]
    public void Service_is_found_by_the_number_patients_text(string number, string serviceId) =>
        Book.FindServiceBySmsNumber(number)!.Id.ShouldBe(serviceId);

    [Theory]
    [InlineData("07700900001")]
    [InlineData("447700900001")]
    [InlineData("+447700900999")]
    public void Number_not_in_exact_e164_form_finds_no_service(string number) =>
        Book.FindServiceBySmsNumber(number).ShouldBeNull();

    [Theory]
    [InlineData(Channels.WebChat)]
    [InlineData(Channels.Sms)]
    [InlineData(Channels.Terminal)]
    public async Task Gp_practice_offers_medical_admin_and_nhs_advice_in_that_order(string channel)
    {
        var types = await Book.GetRequestTypesAsync(Book.FindService("riverside-gp")!, channel, Monday);

        types.Select(t => t.Label).ShouldBe(["Medical request", "Admin request", "NHS online advice and guidance on conditions"]);
        types.Select(t => t.ChoiceLabel).ShouldBe([
            "Medical request (a new or ongoing health problem)",
            "Admin request (fit notes, letters, test results, repeat prescriptions)",
            "NHS online advice and guidance on conditions"]);
        types.Select(t => t.Kind).ShouldBe([RequestKind.Request, RequestKind.Request, RequestKind.Advice]);
        types[0].Synonyms.ShouldContain("doctor");
        types[1].Synonyms.ShouldContain("fit note");
    }

    [Theory]
    [InlineData("northside-community", "Flare-up or symptoms returning")]
    [InlineData("hillview-mental-health", "Feeling worse or finding it hard to cope")]
    public async Task Trusts_offer_their_own_first_type_then_medication_appointment_and_admin_in_that_order(string serviceId, string first)
    {
        var types = await Book.GetRequestTypesAsync(Book.FindService(serviceId)!, Channels.WebChat, Monday);

        types.Select(t => t.Label).ShouldBe([first, "Medication question", "Appointment question", "Admin request"]);
        types.ShouldAllBe(t => t.DetailsPrompt != null, "Each kind of request asks for the details it needs.");
        types.ShouldAllBe(t => t.Kind == RequestKind.Request && t.AdviceUrl == null);
    }

    [Fact]
    public async Task Advice_type_sends_patients_to_a_public_nhs_page()
    {
        var types = await Book.GetRequestTypesAsync(Book.FindService("riverside-gp")!, Channels.Sms, Monday);

        var advice = types.Single(t => t.Kind == RequestKind.Advice);
        advice.Id.ShouldBe("nhs-advice-online");
        new Uri(advice.AdviceUrl!).Host.ShouldEndWith("nhs.uk");
        new Uri(advice.AdviceUrl!).Scheme.ShouldBe("https");
        advice.AdviceUrl.ShouldBe("https://www.nhs.uk/conditions/", "Advice on conditions; 111 is the urgent route, named in the advice message.");
    }

    [Fact]
    public async Task Request_type_ids_are_stable_slugs()
    {
        var types = await Book.GetRequestTypesAsync(Book.FindService("hillview-mental-health")!, Channels.Sms, Monday);

        types.Select(t => t.Id).ShouldBe(["feeling-worse", "medication-question", "appointment-question", "admin-request"]);
    }

    [Theory]
    [InlineData("riverside-gp", new[] { "medical-request" })]
    [InlineData("northside-community", new[] { "flare-up" })]
    [InlineData("hillview-mental-health", new string[0])]
    public async Task Photos_are_offered_for_the_physical_symptom_types_only(string serviceId, string[] withPhotos)
    {
        var types = await Book.GetRequestTypesAsync(Book.FindService(serviceId)!, Channels.WebChat, Monday);

        types.Where(t => t.Photos).Select(t => t.Id).ShouldBe(withPhotos,
            "Photos for a health problem or returning symptoms; not for admin, medication, appointments, advice, or a mental health crisis.");
        types.Single(t => t.Id == "admin-request").Photos.ShouldBeFalse();
    }

    [Property(MaxTest = 200, EndSize = 2 * 366 * 24 * 60)]
    public bool Demo_services_take_requests_at_any_moment(int minutes, int requestsToday)
    {
        // Any minute within two years either side of the start of 2026, either side of every clock change.
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes);
        return Book.Services.All(service =>
            Book.GetAvailabilityAsync(service, Channels.WebChat, now, Math.Abs((long)requestsToday)).AsTask().GetAwaiter().GetResult() == Availability.Open);
    }

    [Fact]
    public async Task Demo_request_types_are_offered_at_night_and_at_weekends()
    {
        var sundayNight = new DateTimeOffset(2025, 6, 1, 23, 30, 0, TimeSpan.FromHours(1));

        var types = await Book.GetRequestTypesAsync(Book.FindService("riverside-gp")!, Channels.Sms, sundayNight);

        types.Count.ShouldBe(3);
    }
}
