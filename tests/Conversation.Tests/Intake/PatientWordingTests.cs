using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>The answers patients really type, through the engine and the repository's rule files.</summary>
public sealed class PatientWordingTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private async Task<PatientSession> AtRequestTypeAsync(string serviceId = "riverside-gp", Channel channel = Channel.WebChat)
    {
        var patient = await _harness.Patient(serviceId, channel, channel == Channel.Sms ? "+447700900555" : null).OpenAsync();
        await patient.SayAsync("no");
        patient.Step.ShouldBe("request-type");
        return patient;
    }

    private async Task<PatientSession> AtStepAsync(string step, bool forSomeoneElse = false)
    {
        var patient = await AtRequestTypeAsync();
        var answers = new List<string> { "medical", "A rash on my arm for a week", forSomeoneElse ? "someone else" : "myself" };
        if (forSomeoneElse)
        {
            answers.AddRange(["Sam Smith", "parent"]);
        }

        answers.AddRange(["Jane", "Smith", "22/10/2010", "female", "LS1 6AE", "0113 496 0000"]);
        foreach (var answer in answers)
        {
            if (patient.Step == step)
            {
                break;
            }

            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe(step);
        return patient;
    }

    /// <summary>From the details question to the review, for Jane Smith with a landline.</summary>
    private static async Task ToReviewAsync(PatientSession patient, string details = "Something for the practice to read")
    {
        patient.Step.ShouldBe("details");
        foreach (var answer in new[] { details, "1", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("review");
    }

    [Theory]
    [InlineData("medical", "Medical request")]
    [InlineData("Medical", "Medical request")]
    [InlineData("admin", "Admin request")]
    [InlineData("doctor", "Medical request")]
    [InlineData("symptoms", "Medical request")]
    [InlineData("fit note", "Admin request")]
    [InlineData("I need a sick note for work", "Admin request")]
    [InlineData("repeat prescription please", "Admin request")]
    [InlineData("letter", "Admin request")]
    [InlineData("results", "Admin request")]
    public async Task Request_types_are_chosen_by_word(string answer, string label)
    {
        var patient = await AtRequestTypeAsync();

        await patient.SayAsync(answer);

        await ToReviewAsync(patient);
        patient.Said.ShouldContain($"Request: {label}\n");
    }

    [Fact]
    public async Task The_advice_choice_points_to_nhs_advice_on_conditions_with_111_as_the_urgent_route()
    {
        var patient = await AtRequestTypeAsync();
        patient.Choices[2].Label.ShouldBe("NHS online advice and guidance on conditions");

        await patient.SayAsync("advice");

        patient.Step.ShouldBe("advice");
        patient.Said.ShouldContain("https://www.nhs.uk/conditions/");
        patient.Said.ShouldContain("call 111");
    }

    [Fact]
    public async Task A_word_of_two_request_types_asks_which_one_naming_both_and_is_not_a_wrong_answer()
    {
        var patient = await AtRequestTypeAsync("hillview-mental-health");

        await patient.SayAsync("question");
        await patient.SayAsync("question");
        await patient.SayAsync("question");

        patient.Step.ShouldBe("request-type");
        patient.Said.ShouldContain("Did you mean 2 (Medication question) or 3 (Appointment question)? Reply with a number or the words.");
        patient.Said.ShouldNotContain("0113", customMessage: "Asking which one is not counted as a wrong answer.");
        await patient.SayAsync("appointment");
        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("Which appointment is it about");
    }

    [Fact]
    public async Task An_unknown_choice_says_numbers_or_words_work()
    {
        var patient = await AtRequestTypeAsync();

        await patient.SayAsync("banana");

        patient.Step.ShouldBe("request-type");
        patient.Said.ShouldContain("Reply with a number or the words, like 1 or Medical request.");
    }

    [Fact]
    public async Task The_mental_health_trust_offers_wording_for_its_patients_and_no_flare_ups()
    {
        var patient = await AtRequestTypeAsync("hillview-mental-health");

        patient.Choices[0].Label.ShouldBe("Feeling worse or finding it hard to cope");
        patient.Choices.ShouldNotContain(c => c.Label.Contains("Flare-up", StringComparison.Ordinal));
        await patient.SayAsync("struggling");
        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("how you have been feeling");
    }

    [Theory]
    [InlineData("admin", "a fit note, a letter, a test result")]
    [InlineData("medical", "how long it has been going on")]
    public async Task The_details_question_fits_the_kind_of_request(string type, string asks)
    {
        var patient = await AtRequestTypeAsync();

        await patient.SayAsync(type);

        patient.Said.ShouldContain(asks);
        if (type == "admin")
        {
            patient.Said.ShouldNotContain("how long it has been going on");
        }
    }

    [Theory]
    [InlineData("22 10 2010")]
    [InlineData("22102010")]
    [InlineData("October 22 2010")]
    [InlineData("22-Oct-2010")]
    public async Task Dates_of_birth_are_read_as_people_type_them(string answer)
    {
        var patient = await AtStepAsync("date-of-birth");

        await patient.SayAsync(answer);

        patient.Step.ShouldBe("gender");
    }

    [Theory]
    [InlineData("10/22/2010", "There is no month 22")]
    [InlineData("31/02/2010", "February 2010 has 28 days")]
    [InlineData("22/10/10", "year in full")]
    public async Task Ambiguous_and_impossible_dates_are_refused_with_a_reason(string answer, string reason)
    {
        var patient = await AtStepAsync("date-of-birth");

        await patient.SayAsync(answer);

        patient.Step.ShouldBe("date-of-birth");
        patient.Said.ShouldContain(reason);
    }

    [Fact]
    public async Task A_full_name_typed_as_the_first_name_offers_the_last_word_as_the_last_name()
    {
        var patient = await AtStepAsync("first-name");

        await patient.SayAsync("jane smith");

        patient.Step.ShouldBe("last-name");
        patient.Said.ShouldBe("Is Smith your last name?");
        patient.Choices.Select(c => c.Label).ShouldBe(["Yes", "No"]);
        await patient.SayAsync("yes");
        patient.Step.ShouldBe("date-of-birth");
        foreach (var answer in new[] { "22/10/2010", "female", "LS1 6AE", "0113 496 0000" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Name: Jane Smith\n");
        await patient.SayAsync("submit");
        var request = (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        (request.Patient.FirstName, request.Patient.LastName).ShouldBe(("jane", "smith"), "Names are stored as given.");
    }

    [Fact]
    public async Task A_two_word_first_name_is_kept_whole_when_the_last_word_is_not_the_last_name()
    {
        var patient = await AtStepAsync("first-name");

        await patient.SayAsync("Mary Ann");
        patient.Said.ShouldBe("Is Ann your last name?");
        await patient.SayAsync("no");

        patient.Step.ShouldBe("last-name");
        patient.Said.ShouldBe("What is your last name?");
        await patient.SayAsync("o'neill-hughes");
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("2");
        await patient.SayAsync("LS1 6AE");
        await patient.SayAsync("0113 496 0000");
        patient.Said.ShouldContain("Name: Mary Ann O'Neill-Hughes\n");
    }

    [Fact]
    public async Task A_last_name_typed_instead_of_yes_or_no_is_taken_as_the_last_name()
    {
        var patient = await AtStepAsync("first-name");

        await patient.SayAsync("Mary Ann");
        await patient.SayAsync("McDonald");

        patient.Step.ShouldBe("date-of-birth");
        foreach (var answer in new[] { "22/10/2010", "female", "LS1 6AE", "0113 496 0000" })
        {
            await patient.SayAsync(answer);
        }

        patient.Said.ShouldContain("Name: Mary Ann McDonald\n");
    }

    [Fact]
    public async Task Back_at_the_details_shows_them_and_keep_keeps_them_with_their_red_flag()
    {
        var patient = await AtRequestTypeAsync();
        await patient.SayAsync("medical");
        await patient.SayAsync("I have chest pain when I climb the stairs");
        patient.Step.ShouldBe("red-flag");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("proxy");

        await patient.SayAsync("back");
        patient.Step.ShouldBe("photos");
        await patient.SayAsync("back");
        await patient.SayAsync("back");

        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("You wrote: \"I have chest pain when I climb the stairs\"\nReply keep to keep it, or send a new answer.");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("Please tell us a bit more");
        patient.Said.ShouldContain("at least 8 characters (yours has 1)");
        await patient.SayAsync("keep");
        patient.Step.ShouldBe("proxy", "The red flag was already seen and carried on with.");
        foreach (var answer in new[] { "1", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000", "submit" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("submitted");
        var request = (await _harness.Requests.ListAsync(new Inbox.Storage.RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        request.Details.ShouldBe("I have chest pain when I climb the stairs");
        request.RedFlags.ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("first-name", "You said: Jane.")]
    [InlineData("date-of-birth", "You said: 22 October 2010.")]
    [InlineData("postcode", "You said: LS1 6AE.")]
    public async Task Back_at_any_typed_answer_shows_it_and_keep_keeps_it(string step, string shown)
    {
        var patient = await AtStepAsync(step);
        await patient.SayAsync(step == "date-of-birth" ? "22/10/2010" : step == "postcode" ? "LS1 6AE" : "Jane");
        var after = patient.Step;
        after.ShouldNotBe(step);

        await patient.SayAsync("back");
        patient.Said.ShouldContain(shown + " Reply keep to keep it, or send a new answer.");
        await patient.SayAsync("keep");

        patient.Step.ShouldBe(after);
    }

    [Fact]
    public async Task Someone_asking_for_another_person_is_spoken_to_as_the_person_typing()
    {
        var patient = await AtStepAsync("proxy-name", forSomeoneElse: true);
        patient.Said.ShouldBe("What is your name?");

        await patient.SayAsync("Sam Smith");
        patient.Said.ShouldStartWith("How do you know the person this request is for?");
        await patient.SayAsync("my mum");
        patient.Said.ShouldBe("What is their first name?");
        foreach (var answer in new[] { "Jane", "Smith", "22/10/2010" })
        {
            await patient.SayAsync(answer);
        }

        patient.Said.ShouldStartWith("What is their gender?");
        await patient.SayAsync("female");
        patient.Said.ShouldBe("What is their postcode?");
        await patient.SayAsync("LS1 6AE");
        patient.Said.ShouldStartWith("Which phone should we use: yours or theirs?");
        await patient.SayAsync("07700 900123");
        patient.Said.ShouldStartWith("Do you have the phone 07700 900123 with you now?");
    }

    [Fact]
    public async Task The_reply_question_names_the_phone()
    {
        var patient = await _harness.Patient(channel: Channel.Sms, senderPhone: Walks.JanePhone).OpenAsync();
        foreach (var answer in new[] { "no", "medical", "A rash on my arm for a week", "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "07700 900123" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("contact-preference");
        patient.Said.ShouldStartWith("How should we reply on 07700 900123?");
    }
}
