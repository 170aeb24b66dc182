using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>
/// A conversation opened from a personal follow-up (PIFU) link: the date of birth comes first, the details held
/// are shown only when it matches, the request is tagged with the pathway, and an ended link sends nothing.
/// </summary>
public sealed class FollowUpLinkTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private async Task<SentLink> AddLinkAsync(string serviceId = "riverside-gp", TimeSpan? lasts = null, int failedConfirmations = 0, DateTimeOffset? endedEarly = null)
    {
        var now = _harness.Clock.GetUtcNow();
        var link = new SentLink
        {
            Id = Guid.NewGuid().ToString("N"),
            ServiceId = serviceId,
            Kind = SentLinkKind.FollowUp,
            Phone = Walks.JanePhone,
            FirstName = "Jane",
            LastName = "Smith",
            DateOfBirth = new DateOnly(2010, 10, 22),
            NhsNumber = "9000000009",
            Pathway = "Rheumatology",
            TokenHash = LinkTokens.New().Hash,
            EndsAt = now + (lasts ?? TimeSpan.FromDays(180)),
            SentAt = now,
            SentBy = "staff@riverside-gp.example",
            FailedConfirmations = failedConfirmations,
            EndedEarlyAt = endedEarly,
        };
        (await _harness.Links.AddAsync(link)).ShouldBe(Inbox.Storage.AddResult.Added);
        return link;
    }

    /// <summary>From opening to the follow-up date of birth, collecting everything said on the way.</summary>
    private static async Task<List<string>> ToDateOfBirthAsync(PatientSession patient, bool forSomeoneElse = false)
    {
        var said = new List<string>();
        async Task Say(string text)
        {
            await patient.SayAsync(text);
            said.Add(patient.Said);
        }

        await patient.OpenAsync();
        said.Add(patient.Said);
        await Say("1");
        await Say("1");
        await Say("My knee is swollen again, like last spring.");
        if (forSomeoneElse)
        {
            await Say("2");
            await Say("Mary Smith");
            await Say("1");
        }
        else
        {
            await Say("1");
        }

        patient.Step.ShouldBe("follow-up-date-of-birth");
        return said;
    }

    private static void ShouldNotReveal(IEnumerable<string> said)
    {
        foreach (var text in said)
        {
            text.ShouldNotContain("Jane");
            text.ShouldNotContain("Smith");
            text.ShouldNotContain("900123");
            text.ShouldNotContain("Rheumatology");
        }
    }

    [Fact]
    public async Task The_right_date_of_birth_offers_the_details_held_and_the_request_is_tagged_with_the_pathway()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        var before = await ToDateOfBirthAsync(patient);
        ShouldNotReveal(before);
        patient.Said.ShouldContain("what is your date of birth");

        await patient.SayAsync("22 October 2010");
        patient.Step.ShouldBe("follow-up-details");
        patient.Said.ShouldContain("Name: Jane Smith");
        patient.Said.ShouldContain("Born: 22 October 2010");
        patient.Said.ShouldContain("Mobile: 07700 900123");
        patient.Choices.Select(c => c.Label).ShouldBe(["Yes, they're right", "No, I'll type them"]);

        await patient.SayAsync("1");
        patient.Step.ShouldBe("gender");
        await patient.SayAsync("Female");
        await patient.SayAsync("LS1 6AE");
        patient.Step.ShouldBe("mobile-access");
        await patient.SayAsync("yes");
        await patient.SayAsync(await _harness.LastCodeSentToAsync(Walks.JanePhone));
        await patient.SayAsync("1");
        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Name: Jane Smith");
        patient.Said.ShouldContain("Phone: 07700 900123");

        await patient.SayAsync("1");
        patient.Step.ShouldBe("submitted");
        var request = (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        request.FollowUp.ShouldBe(new FollowUpTag(link.Id, "Rheumatology", "9000000009"));
        request.Patient.ShouldBe(new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"));
        request.Contact.ShouldBe(new ContactDetails(Walks.JanePhone, true, ContactPreference.Text));
    }

    [Fact]
    public async Task A_wrong_date_of_birth_shows_nothing_held_asks_as_usual_and_counts_against_the_link()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        var said = await ToDateOfBirthAsync(patient);

        await patient.SayAsync("23/10/2010");
        said.Add(patient.Said);
        patient.Step.ShouldBe("first-name");
        await patient.SayAsync("Jo");
        said.Add(patient.Said);
        await patient.SayAsync("Bloggs");
        said.Add(patient.Said);
        patient.Step.ShouldBe("gender", "The date of birth was already given; it is not asked twice.");
        ShouldNotReveal(said);

        (await _harness.Links.GetAsync(link.Id))!.FailedConfirmations.ShouldBe(1);

        await patient.SayAsync("3");
        await patient.SayAsync("LS1 6AE");
        await patient.SayAsync("01134960000");
        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Born: 23 October 2010");
        await patient.SayAsync("1");
        var request = (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        request.FollowUp.ShouldBe(new FollowUpTag(link.Id, "Rheumatology", null), "The NHS number given with the link is not claimed for someone who did not confirm it.");
        request.Patient.FirstName.ShouldBe("Jo");
    }

    [Fact]
    public async Task Once_a_link_has_had_too_many_wrong_dates_of_birth_even_the_right_one_shows_nothing()
    {
        var link = await AddLinkAsync(failedConfirmations: 3);
        var patient = _harness.Patient(followUpLinkId: link.Id);
        var said = await ToDateOfBirthAsync(patient);

        await patient.SayAsync("22/10/2010");
        said.Add(patient.Said);
        patient.Step.ShouldBe("first-name");
        ShouldNotReveal(said);
        (await _harness.Links.GetAsync(link.Id))!.FailedConfirmations.ShouldBe(3, "The right date is not a failure.");
    }

    [Fact]
    public async Task Saying_the_details_are_wrong_asks_for_name_and_phone_as_usual_but_not_the_date_of_birth_again()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        await ToDateOfBirthAsync(patient);
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("No");
        patient.Step.ShouldBe("first-name");
        await patient.SayAsync("Janet");
        await patient.SayAsync("Smyth");
        patient.Step.ShouldBe("gender");
        await patient.SayAsync("1");
        await patient.SayAsync("LS1 6AE");
        patient.Step.ShouldBe("phone");
    }

    [Fact]
    public async Task Going_back_to_the_details_and_saying_no_takes_the_accepted_details_away()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        await ToDateOfBirthAsync(patient);
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("yes");
        patient.Step.ShouldBe("gender");
        await patient.SayAsync("back");
        patient.Step.ShouldBe("follow-up-details");
        await patient.SayAsync("2");
        patient.Step.ShouldBe("first-name");
        await patient.SayAsync("Janet");
        await patient.SayAsync("Smyth");
        await patient.SayAsync("1");
        await patient.SayAsync("LS1 6AE");
        patient.Step.ShouldBe("phone", "The mobile on the link went with the details the patient said were not theirs.");
    }

    [Fact]
    public async Task Someone_asking_for_the_patient_is_asked_the_patients_date_of_birth()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        var said = await ToDateOfBirthAsync(patient, forSomeoneElse: true);
        ShouldNotReveal(said.Where(s => !s.Contains("Mary", StringComparison.Ordinal)));
        patient.Said.ShouldContain("what is their date of birth");
        await patient.SayAsync("22/10/2010");
        patient.Said.ShouldContain("the details we have for them");
    }

    [Fact]
    public async Task A_link_that_ends_before_the_request_is_sent_sends_nothing_and_says_what_to_do_instead()
    {
        var link = await AddLinkAsync(lasts: TimeSpan.FromMinutes(30));
        var patient = _harness.Patient(followUpLinkId: link.Id);
        await ToDateOfBirthAsync(patient);
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("yes");
        await patient.SayAsync("Female");
        await patient.SayAsync("LS1 6AE");
        await patient.SayAsync("no");
        await patient.SayAsync("Phone call");
        patient.Step.ShouldBe("review");

        _harness.Clock.Advance(TimeSpan.FromMinutes(31));
        await patient.SayAsync("Submit");
        patient.Step.ShouldBe("link-ended");
        patient.Said.ShouldContain("This follow-up link has ended");
        patient.Said.ShouldContain("0113 496 0001");
        (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_link_staff_ended_early_ends_the_conversation_as_it_opens()
    {
        var link = await AddLinkAsync(endedEarly: _harness.Clock.GetUtcNow());
        var patient = await _harness.Patient(followUpLinkId: link.Id).OpenAsync();
        patient.Step.ShouldBe("link-ended");
        patient.Said.ShouldContain("This follow-up link has ended");
    }

    [Fact]
    public async Task Another_services_link_never_offers_its_details()
    {
        var link = await AddLinkAsync(serviceId: "northside-community");
        var patient = await _harness.Patient(followUpLinkId: link.Id).OpenAsync();
        patient.Step.ShouldBe("link-ended");
        ShouldNotReveal([patient.Said]);
    }

    [Fact]
    public async Task Starting_again_keeps_the_link_and_asks_the_date_of_birth_again()
    {
        var link = await AddLinkAsync();
        var patient = _harness.Patient(followUpLinkId: link.Id);
        await ToDateOfBirthAsync(patient);
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("restart");
        patient.Step.ShouldBe("emergency");
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        await patient.SayAsync("Still swollen.");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("follow-up-date-of-birth");
    }

    [Fact]
    public async Task A_conversation_without_a_link_is_unchanged()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("1");
        var request = (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        request.FollowUp.ShouldBeNull();
    }
}
