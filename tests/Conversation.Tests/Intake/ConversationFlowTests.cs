using PatientContact.Inbox.Messaging;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

public sealed class ConversationFlowTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Opening_welcomes_by_service_name_and_asks_about_emergency_before_the_patient_types()
    {
        var patient = await _harness.Patient().OpenAsync();

        patient.Last!.Replies[0].Text.ShouldContain("Riverside GP Practice");
        patient.Step.ShouldBe("emergency");
        patient.Choices.Select(c => c.Label).ShouldBe(["No, it's not an emergency", "Yes, it's an emergency"]);
    }

    [Fact]
    public async Task Full_conversation_ends_with_a_reference_id_and_the_request_in_the_store()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        patient.Said.ShouldContain("Jane Smith");
        patient.Said.ShouldContain("22 October 2010");
        patient.Said.ShouldContain("LS1 6AE");
        patient.Said.ShouldContain("07700 900123");

        await patient.SayAsync("Submit");

        patient.Step.ShouldBe("submitted");
        var referenceId = System.Text.RegularExpressions.Regex.Match(patient.Said, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;
        referenceId.ShouldNotBeEmpty();
        var stored = await _harness.Requests.GetAsync(referenceId);
        stored.ShouldNotBeNull();
        stored.ServiceId.ShouldBe("riverside-gp");
        stored.RequestType.ShouldBe("Medical request");
        stored.Details.ShouldBe("I have had a cough for two weeks and it is not getting better.");
        stored.Patient.ShouldBe(new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"));
        stored.SubmittedBy.Kind.ShouldBe(SubmitterKind.Self);
        stored.Contact.ShouldBe(new ContactDetails("+447700900123", true, ContactPreference.Text));
        stored.Channel.ShouldBe(Channel.WebChat);
        stored.Status.ShouldBe(RequestStatus.New);
        stored.RedFlags.ShouldBeEmpty();

        var texts = await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 10);
        texts[0].Purpose.ShouldBe(TextPurpose.Confirmation);
        texts[0].Body.ShouldContain(referenceId);
        texts[0].Body.ShouldNotContain("Jane");
    }

    [Fact]
    public async Task Emergency_gives_999_and_111_advice_ends_and_is_counted_without_storing_anything()
    {
        var patient = await _harness.Patient().OpenAsync();

        await patient.SayAsync("yes");

        patient.Step.ShouldBe("emergency-advice");
        patient.Said.ShouldContain("999");
        patient.Said.ShouldContain("111");
        patient.Choices.ShouldBeEmpty();
        (await _harness.Counters.GetAsync("riverside-gp", "emergency-advice", new DateOnly(2026, 11, 26))).ShouldBe(1);
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Gp_practice_offers_its_request_types_in_rule_order()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");

        patient.Choices.Select(c => c.Label).ShouldBe(["Medical request (a new or ongoing health problem)", "Admin request (fit notes, letters, test results, repeat prescriptions)", "NHS online advice and guidance on conditions"]);
    }

    [Theory]
    [InlineData("northside-community", "Flare-up or symptoms returning")]
    [InlineData("hillview-mental-health", "Feeling worse or finding it hard to cope")]
    public async Task Trusts_offer_their_request_types_in_rule_order(string serviceId, string first)
    {
        var patient = await _harness.Patient(serviceId).OpenAsync();
        await patient.SayAsync("no");

        patient.Choices.Select(c => c.Label).ShouldBe([
            first,
            "Medication question (doses, side effects, running out)",
            "Appointment question (to move or check an appointment)",
            "Admin request (fit notes, letters, test results, repeat prescriptions)"]);
    }

    [Fact]
    public async Task Advice_type_gives_the_nhs_link_and_ends()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");

        await patient.SayAsync("NHS online advice and guidance on conditions");

        patient.Step.ShouldBe("advice");
        patient.Said.ShouldContain("https://");
        (await _harness.Counters.GetAsync("riverside-gp", "advice", new DateOnly(2026, 11, 26))).ShouldBe(1);
    }

    [Fact]
    public async Task Red_flag_details_show_urgent_advice_then_the_patient_may_carry_on_and_staff_see_the_flag()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("1");

        await patient.SayAsync("I've had crushing CHEST PAIN since this morning");

        patient.Step.ShouldBe("red-flag");
        patient.Said.ShouldContain("999");
        patient.Choices.Select(c => c.Value).ShouldBe(["1", "2"]);
        await patient.SayAsync("carry on");
        patient.Step.ShouldBe("proxy");

        await patient.SayAsync("1");
        await patient.SayAsync("Jane");
        await patient.SayAsync("Smith");
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("1");
        await patient.SayAsync("LS1 6AE");
        await patient.SayAsync("0113 496 0000");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("submitted");

        var page = await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"], RedFlagged = true });
        page.Total.ShouldBe(1);
        page.Items[0].RedFlags.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Red_flag_stop_here_ends_with_urgent_advice_and_stores_nothing()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        await patient.SayAsync("I have been having suicidal thoughts");
        patient.Step.ShouldBe("red-flag");

        await patient.SayAsync("2");

        patient.Step.ShouldBe("emergency-advice");
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Someone_else_asks_the_submitters_name_and_relationship_then_about_the_patient()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("2");
        await patient.SayAsync("My dad needs his repeat prescription");

        await patient.SayAsync("Someone else");
        patient.Step.ShouldBe("proxy-name");
        await patient.SayAsync("Sam Smith");
        patient.Step.ShouldBe("proxy-relationship");
        patient.Choices.Count.ShouldBe(6);
        await patient.SayAsync("3");
        patient.Step.ShouldBe("first-name");
        patient.Said.ShouldContain("What is their first name?");
        await patient.SayAsync("John");
        await patient.SayAsync("Smith");
        await patient.SayAsync("1 February 1950");
        await patient.SayAsync("2");
        await patient.SayAsync("LS1 6AE");
        await patient.SayAsync("+44 113 496 0000");
        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Sam Smith");
        await patient.SayAsync("1");

        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.SubmittedBy.ShouldBe(new Submitter(SubmitterKind.Proxy, "Sam Smith", Relationship.FamilyMember));
        stored.Patient.FirstName.ShouldBe("John");
        stored.RequestType.ShouldBe("Admin request");
    }

    [Fact]
    public async Task A_landline_skips_the_code_and_the_reply_question_and_is_stored_unverified_for_a_call()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE" })
        {
            await patient.SayAsync(answer);
        }

        await patient.SayAsync("0113 496 0000");

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Phone call");
        await patient.SayAsync("1");
        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.Contact.ShouldBe(new ContactDetails("+441134960000", false, ContactPreference.Phone));
        (await _harness.Outbox.ListForRecipientAsync("+441134960000", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_the_mobile_to_hand_the_code_is_skipped_and_the_request_is_unverified()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700900123" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("mobile-access");
        await patient.SayAsync("No");

        patient.Step.ShouldBe("contact-preference");
        (await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 10)).ShouldBeEmpty();
        await patient.SayAsync("2");
        await patient.SayAsync("1");
        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.Contact.Verified.ShouldBeFalse();
        stored.Contact.Preference.ShouldBe(ContactPreference.Phone);
    }

    [Fact]
    public async Task By_sms_giving_the_number_being_texted_from_skips_the_code_and_counts_as_verified()
    {
        var patient = await _harness.Patient(channel: Channel.Sms, senderPhone: Walks.JanePhone).SayAsync("hello");
        patient.Step.ShouldBe("emergency");
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE" })
        {
            await patient.SayAsync(answer);
        }

        await patient.SayAsync("07700 900123");

        patient.Step.ShouldBe("contact-preference");
        await patient.SayAsync("text");
        await patient.SayAsync("submit");
        patient.Step.ShouldBe("submitted");
        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.Contact.Verified.ShouldBeTrue();
        stored.Channel.ShouldBe(Channel.Sms);
        (await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 10)).ShouldBeEmpty("the reply itself is the confirmation");
    }

    [Fact]
    public async Task The_relationship_is_kept_in_the_stored_session_as_its_words_as_it_always_was()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "2", "My dad needs his repeat prescription", "Someone else", "Sam Smith", "carer" })
        {
            await patient.SayAsync(answer);
        }

        var stored = await _harness.Conversations.GetAsync(patient.Key);
        stored!.DataText.ShouldContain("\"proxyRelationship\":\"carer\"", customMessage: "sessions stored before the enum still read");
        patient.Step.ShouldBe("first-name");
    }

    [Fact]
    public async Task How_the_mobile_was_shown_is_kept_in_the_stored_session_as_it_always_was()
    {
        var texter = await _harness.Patient(channel: Channel.Sms, senderPhone: Walks.JanePhone).SayAsync("hello");
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700 900123" })
        {
            await texter.SayAsync(answer);
        }

        var stored = await _harness.Conversations.GetAsync(texter.Key);
        stored!.DataText.ShouldContain("\"verifiedBy\":\"sms-channel\"", customMessage: "sessions stored before the enum still read");
        texter.Step.ShouldBe("contact-preference");
    }

    [Fact]
    public async Task An_invalid_answer_gets_a_reason_and_the_same_question_and_three_in_a_row_offer_the_phone_number()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        await patient.SayAsync("Sore knee");
        await patient.SayAsync("1");
        await patient.SayAsync("Jane");
        await patient.SayAsync("Smith");

        await patient.SayAsync("next tuesday");
        patient.Step.ShouldBe("date-of-birth");
        patient.Said.ShouldContain("day, month and year");
        patient.Said.ShouldNotContain("0113");
        await patient.SayAsync("32/01/2001");
        patient.Said.ShouldNotContain("0113");
        await patient.SayAsync("1/1/3000");
        patient.Said.ShouldContain("call us on 0113");
        patient.Step.ShouldBe("date-of-birth");

        await patient.SayAsync("1/1/2001");
        patient.Step.ShouldBe("gender");
        await patient.SayAsync("banana");
        patient.Said.ShouldNotContain("call us on", Case.Insensitive);
    }

    [Fact]
    public async Task Back_returns_to_the_previous_question_and_keeps_the_answers()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);

        await patient.SayAsync("back");
        patient.Step.ShouldBe("contact-preference");
        await patient.SayAsync("back");
        patient.Step.ShouldBe("otp");
        await patient.SayAsync("Back");
        patient.Step.ShouldBe("mobile-access");
        await patient.SayAsync("back");
        patient.Step.ShouldBe("phone");
        await patient.SayAsync("back");
        patient.Step.ShouldBe("postcode");

        await patient.SayAsync("LS2 7EW");
        patient.Step.ShouldBe("phone");
        await patient.SayAsync("07700 900123");
        patient.Step.ShouldBe("mobile-access");
        await patient.SayAsync("no");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Jane Smith");
        patient.Said.ShouldContain("LS2 7EW");
    }

    [Fact]
    public async Task Back_at_the_first_question_says_so_and_asks_it_again()
    {
        var patient = await _harness.Patient().OpenAsync();

        await patient.SayAsync("back");

        patient.Said.ShouldContain("first question");
        patient.Step.ShouldBe("emergency");
    }

    [Fact]
    public async Task Restart_starts_again_with_nothing_kept()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);

        await patient.SayAsync("start again");

        patient.Step.ShouldBe("emergency");
        var record = await _harness.Conversations.GetAsync(patient.Key);
        record!.DataText.ShouldNotContain("Jane");
        record.DataText.ShouldNotContain("LS1 6AE");
    }

    [Fact]
    public async Task Help_explains_and_asks_the_same_question_again()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");

        await patient.SayAsync("HELP");

        patient.Step.ShouldBe("request-type");
        patient.Said.ShouldContain("back");
        patient.Said.ShouldContain("restart");
        patient.Said.ShouldContain("0113");
        patient.Choices.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Details_longer_than_1000_characters_are_refused_and_hostile_text_is_kept_as_text()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("1");

        await patient.SayAsync(new string('a', 1001));
        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("1,000 characters");

        const string hostile = "<script>alert('x')</script> {{7*7}} '; DROP TABLE requests;-- \u202Eevil";
        await patient.SayAsync(hostile);
        patient.Step.ShouldBe("proxy");
        foreach (var answer in new[] { "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "0113 496 0000", "1" })
        {
            await patient.SayAsync(answer);
        }

        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.Details.ShouldBe("<script>alert('x')</script> {{7*7}} '; DROP TABLE requests;-- evil");
    }

    [Fact]
    public async Task Text_after_the_end_starts_a_new_conversation()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("2");
        patient.Step.ShouldBe("emergency-advice");

        await patient.SayAsync("hello again");

        patient.Step.ShouldBe("emergency");
        patient.Said.ShouldContain("Welcome");
    }

    [Fact]
    public async Task By_sms_the_review_shortens_long_details_without_splitting_an_emoji()
    {
        var patient = await _harness.Patient(channel: Channel.Sms, senderPhone: "+447700900555").SayAsync("hi");
        var details = string.Concat(Enumerable.Range(0, 180).Select(i => i % 3 == 0 ? "😀" : "pain "));
        foreach (var answer in new[] { "1", "1", details, "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "0113 496 0000" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("review");
        var shown = System.Text.RegularExpressions.Regex.Match(patient.Said, @"Details: (.+)\.\.\. \((\d+) more characters\. Reply details to see it all\.\)");
        shown.Success.ShouldBeTrue(patient.Said);
        var kept = new System.Globalization.StringInfo(shown.Groups[1].Value);
        var all = new System.Globalization.StringInfo(details.Trim());
        all.SubstringByTextElements(0, kept.LengthInTextElements).TrimEnd().ShouldBe(shown.Groups[1].Value, "The part shown is the start of the details, cut between whole characters.");
        var left = int.Parse(shown.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        (all.LengthInTextElements - kept.LengthInTextElements).ShouldBeInRange(left, left + 1, "The count is what was left out (a space at the cut may be trimmed).");
    }
}
