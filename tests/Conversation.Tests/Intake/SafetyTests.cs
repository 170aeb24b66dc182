using System.Text.RegularExpressions;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;
using PatientContact.Rules.Tests.Corpus;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>SPEC section 9: crisis words caught at every step, and safety wording for each service type.</summary>
public sealed class SafetyTests : IDisposable
{
    private const string Crisis = "I want to end my life";
    private const string Mobile = Walks.JanePhone;

    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private ServiceDefinition Service(string id) => _harness.Rules.Current.FindService(id)!;

    /// <summary>Answers that walk an SMS conversation from its first text to the review, the step each leads to, in order.</summary>
    private static readonly (string Answer, string Step)[] SmsWalk =
    [
        ("hi", "emergency"), ("1", "request-type"), ("1", "details"), ("My eczema is itchy again and the cream is not helping", "proxy"),
        ("1", "first-name"), ("Jane", "last-name"), ("Smith", "date-of-birth"), ("22/10/2010", "gender"), ("1", "postcode"),
        ("LS1 6AE", "phone"), ("07700 900123", "contact-preference"), ("1", "review"),
    ];

    private async Task<PatientSession> WalkToAsync(string step, string serviceId = "riverside-gp")
    {
        var patient = _harness.Patient(serviceId, Channel.Sms, Mobile);
        foreach (var (answer, next) in SmsWalk)
        {
            await patient.SayAsync(answer);
            patient.Step.ShouldBe(next);
            if (next == step)
            {
                return patient;
            }
        }

        throw new InvalidOperationException($"The walk does not reach {step}.");
    }

    [Theory]
    [InlineData("emergency")]
    [InlineData("request-type")]
    [InlineData("proxy")]
    [InlineData("first-name")]
    [InlineData("last-name")]
    [InlineData("date-of-birth")]
    [InlineData("gender")]
    [InlineData("postcode")]
    [InlineData("phone")]
    [InlineData("contact-preference")]
    [InlineData("review")]
    public async Task Crisis_words_at_any_step_get_the_advice_first_and_the_same_question_again(string step)
    {
        var patient = await WalkToAsync(step, "hillview-mental-health");

        await patient.SayAsync(Crisis);

        var first = patient.Last!.Replies[0];
        first.Urgent.ShouldBeTrue();
        first.Text.ShouldContain("999");
        patient.Step.ShouldBe(step);
        var sms = SmsReplyComposer.Compose([], patient.Last.Replies).Text;
        sms.ShouldStartWith(first.Text);
        sms.ShouldContain("choose the mental health option");
        sms.ShouldContain("0808 157 0003");
        sms.ShouldContain("116 123");
        sms.ShouldContain("85258");
    }

    [Theory]
    [InlineData("riverside-gp")]
    [InlineData("northside-community")]
    [InlineData("hillview-mental-health")]
    public async Task A_first_text_with_crisis_words_gets_the_advice_before_the_welcome_within_3_segments(string serviceId)
    {
        var patient = _harness.Patient(serviceId, Channel.Sms, Mobile);

        await patient.SayAsync("I took all my tablets and want to die");

        patient.Step.ShouldBe("emergency");
        patient.Last!.Replies[0].Urgent.ShouldBeTrue();
        var sms = SmsReplyComposer.Compose([], patient.Last.Replies);
        sms.Segments.ShouldBeLessThanOrEqualTo(3, sms.Text);
        // The most serious rule's advice first; the overdose rule's own sentence gives way to the step's question on SMS.
        sms.Text.ShouldStartWith("If you might act on thoughts of ending your life");
        sms.Text.ShouldContain("choose the mental health option");
        sms.Text.ShouldContain("116 123");
        sms.Text.ShouldContain("text SHOUT to 85258");
        sms.Text.ShouldContain("Relay UK");
        sms.Text.ShouldEndWith("2. Yes, it's an emergency");
        if (serviceId == "hillview-mental-health")
        {
            sms.Text.ShouldContain("our crisis line on 0808 157 0003");
        }
    }

    [Fact]
    public async Task Words_that_raised_a_flag_at_another_step_reach_staff_with_the_step_and_the_words()
    {
        var patient = await WalkToAsync("request-type");
        await patient.SayAsync("honestly i just want to kill myself");
        patient.Step.ShouldBe("request-type");
        foreach (var (answer, _) in SmsWalk.Skip(2))
        {
            await patient.SayAsync(answer);
        }

        await patient.SayAsync("1");

        patient.Step.ShouldBe("submitted");
        var reference = Regex.Match(patient.Said, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;
        var stored = await _harness.Requests.GetAsync(reference);
        var flag = stored!.RedFlags.ShouldHaveSingleItem();
        flag.Id.ShouldBe("suicidal-thoughts");
        flag.Step.ShouldBe("request-type");
        flag.Words.ShouldBe("honestly i just want to kill myself");
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"], RedFlagged = true })).Total.ShouldBe(1);
        // The patient carried on after crisis words: the confirmation says the urgent advice again, first.
        patient.Last!.Replies[^1].Text.ShouldStartWith("Please remember: If you might act on thoughts of ending your life");
        (await _harness.Counters.GetAsync("riverside-gp", "red-flag-advice", new DateOnly(2026, 11, 26))).ShouldBe(1);
    }

    [Fact]
    public async Task Restart_keeps_a_flag_raised_earlier_and_a_later_change_of_details_does_not_drop_it()
    {
        var patient = await WalkToAsync("request-type");
        await patient.SayAsync("I keep hurting myself");
        await patient.SayAsync("restart");
        patient.Step.ShouldBe("emergency");
        foreach (var (answer, _) in SmsWalk.Skip(1))
        {
            await patient.SayAsync(answer);
        }

        await patient.SayAsync("1");

        var reference = Regex.Match(patient.Said, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;
        (await _harness.Requests.GetAsync(reference))!.RedFlags.Select(f => f.Id).ShouldBe(["self-harm"]);
    }

    [Theory]
    [InlineData("riverside-gp")]
    [InlineData("northside-community")]
    [InlineData("hillview-mental-health")]
    public async Task Red_flag_step_with_every_corpus_rule_matched_at_once_fits_3_segments_and_says_each_sentence_once(string serviceId)
    {
        var service = Service(serviceId);
        var everything = string.Join(". ", RedFlagCorpus.Read().Where(p => p.MustFlag).Select(p => p.Text));
        var flags = await _harness.Rules.Current.FindRedFlagsAsync(service, everything);
        flags.Count.ShouldBeGreaterThanOrEqualTo(service.Type == ServiceTypes.MentalHealthTrust ? 28 : 26);
        var session = new IntakeSession { Channel = Channel.Sms, Answers = { RedFlags = [.. flags] } };

        var sms = SmsReplyComposer.Compose([], [Questions.Ask(Step.RedFlag, session, service)]);

        sms.Segments.ShouldBeLessThanOrEqualTo(3, sms.Text);
        sms.Encoding.ShouldBe(SmsEncoding.Gsm7);
        sms.Text.ShouldContain("999");
        sms.Text.ShouldContain("Relay UK");
        sms.Text.ShouldContain(SafetyWording.DoNotWait);
        sms.Text.ShouldEndWith("1. Carry on with my request\n2. Don't send it");
        var sentences = RedFlagAdvice.Sentences(sms.Text.Split('\n')[0]).ToList();
        sentences.ShouldBeUnique();
        if (service.Type == ServiceTypes.MentalHealthTrust)
        {
            sms.Text.ShouldContain("0808 157 0003");
            sms.Text.ShouldContain("116 123");
        }

        // Online there is room for more of the rules' own advice, still each sentence once.
        session.Channel = Channel.WebChat;
        var online = Questions.Ask(Step.RedFlag, session, service).Text;
        online.Length.ShouldBeGreaterThan(sms.Text.Split('\n')[0].Length);
        RedFlagAdvice.Sentences(online).ShouldBeUnique();
    }

    [Fact]
    public async Task Red_flag_step_puts_the_emergency_advice_before_the_urgent()
    {
        var flags = await _harness.Rules.Current.FindRedFlagsAsync(Service("riverside-gp"), "a bit short of breath and now crushing chest pain");
        var session = new IntakeSession { Channel = Channel.Sms, Answers = { RedFlags = [.. flags] } };

        var text = Questions.Ask(Step.RedFlag, session, Service("riverside-gp")).Text;

        text.ShouldStartWith("Chest pain that feels heavy");
        text.IndexOf("short of breath", StringComparison.Ordinal).ShouldBeGreaterThan(text.IndexOf("Call 999 now", StringComparison.Ordinal));
    }

    [Fact]
    public void Red_flag_choices_use_no_carrier_keyword()
    {
        string[] carrierWords = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"];
        foreach (var item in RedFlagStep.Choices.Items)
        {
            foreach (var text in item.Synonyms.Append(item.Label))
            {
                SmsKeywords.Classify(text).ShouldNotBe(SmsKeyword.OptOut, text);
                TextInput.Fold(text).Split(' ').ShouldAllBe(word => !carrierWords.Contains(word), text);
            }
        }
    }

    [Fact]
    public async Task Mental_health_trust_wording_names_111s_option_the_crisis_line_samaritans_and_shout()
    {
        var service = Service("hillview-mental-health");
        var session = new IntakeSession { Channel = Channel.WebChat };
        string[] texts =
        [
            Questions.Ask(Step.Emergency, session, service).Text,
            Questions.Ask(Step.EmergencyAdvice, session, service).Text,
            Questions.Help(service),
            Questions.Ask(Step.Closed, session, service, new Availability(false, "outside opening hours", "Hillview is closed. It opens again at 8am.", null)).Text,
        ];

        foreach (var text in texts)
        {
            text.ShouldContain("999", customMessage: text);
            text.ShouldContain("call 111 and choose the mental health option", customMessage: text);
            text.ShouldContain("0808 157 0003", customMessage: text);
            text.ShouldContain("116 123", customMessage: text);
            text.ShouldContain("text SHOUT to 85258", customMessage: text);
        }

        var patient = await WalkToAsync("review", "hillview-mental-health");
        await patient.SayAsync("1");
        var confirmation = patient.Last!.Replies[^1].Text;
        confirmation.ShouldContain("by the end of the next working day");
        confirmation.ShouldContain("choose the mental health option, or our crisis line on 0808 157 0003");
        confirmation.ShouldContain("116 123");
        confirmation.ShouldContain("85258");
        SmsReplyComposer.Compose([], patient.Last.Replies).Segments.ShouldBeLessThanOrEqualTo(3);
    }

    [Theory]
    [InlineData("riverside-gp")]
    [InlineData("northside-community")]
    public async Task Physical_health_wording_names_relay_uk_and_111_for_children_under_5(string serviceId)
    {
        var service = Service(serviceId);
        var session = new IntakeSession { Channel = Channel.WebChat };
        foreach (var text in new[] { Questions.Ask(Step.EmergencyAdvice, session, service).Text, Questions.Help(service) })
        {
            text.ShouldContain("999");
            text.ShouldContain("111.nhs.uk");
            text.ShouldContain("For a child under 5, call 111.");
            text.ShouldContain("Relay UK: 18000 for 999, or 18001 then the number");
        }

        var patient = _harness.Patient(serviceId);
        await patient.OpenAsync();
        await patient.SayAsync("yes");
        patient.Step.ShouldBe("emergency-advice");
        patient.Said.ShouldContain("Relay UK");
    }

    [Fact]
    public async Task Confirmation_names_the_response_promise_and_an_admin_request_gets_no_feel_worse_line()
    {
        var medical = await WalkToAsync("review");
        await medical.SayAsync("1");
        var said = medical.Last!.Replies[^1].Text;
        said.ShouldContain("We'll text you on 07700 900123 by the end of the next working day.");
        said.ShouldContain("If you feel worse while you wait, call 111.");

        var admin = _harness.Patient("riverside-gp", Channel.Sms, "+447700900555");
        foreach (var answer in new[] { "hi", "1", "2", "I need a fit note for work", "1", "Sam", "Jones", "1/2/1980", "2", "LS1 6AE", "07700 900555", "1", "1" })
        {
            await admin.SayAsync(answer);
        }

        admin.Step.ShouldBe("submitted");
        var adminSaid = admin.Last!.Replies[^1].Text;
        adminSaid.ShouldContain("by the end of the next working day");
        adminSaid.ShouldNotContain("feel worse");
    }

    [Fact]
    public async Task After_a_red_flag_the_patient_carried_on_with_the_confirmation_repeats_the_urgent_advice_first_within_3_segments()
    {
        var patient = _harness.Patient("hillview-mental-health", Channel.Sms, Mobile);
        foreach (var answer in new[] { "hi", "1", "1", "been having suicidal thoughts again since my meds changed" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("red-flag");
        await patient.SayAsync("carry on");
        foreach (var (answer, _) in SmsWalk.Skip(4))
        {
            await patient.SayAsync(answer);
        }

        await patient.SayAsync("1");

        patient.Step.ShouldBe("submitted");
        var sms = SmsReplyComposer.Compose([], patient.Last!.Replies);
        sms.Text.ShouldStartWith("Please remember: If you might act on thoughts of ending your life");
        sms.Text.ShouldContain("0808 157 0003");
        sms.Text.ShouldContain("Your reference is");
        sms.Segments.ShouldBeLessThanOrEqualTo(3, sms.Text);
    }

    [Fact]
    public async Task Confirmation_text_to_another_mobile_names_the_promise_and_after_a_flag_the_advice_first()
    {
        var patient = _harness.Patient();
        await patient.OpenAsync();
        foreach (var answer in new[] { "1", "1", "my chest feels heavy and I feel sick", "1", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700 900123", "yes" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("otp");
        await patient.SayAsync(await _harness.LastCodeSentToAsync(Mobile));
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("submitted");

        var text = (await _harness.Outbox.ListForRecipientAsync(Mobile, 10)).First(t => t.Purpose == TextPurpose.Confirmation);
        text.Body.ShouldStartWith("Please remember: Chest pain that feels heavy");
        text.Body.ShouldContain("We'll reply by the end of the next working day.");
        SmsText.CountSegments(text.Body).ShouldBeLessThanOrEqualTo(3);
    }
}
