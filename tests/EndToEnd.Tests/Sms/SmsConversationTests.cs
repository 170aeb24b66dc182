using PatientContact.Conversation.Intake.Steps;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>Whole conversations by text, posted as Twilio posts them, with the answers people really send.</summary>
public sealed class SmsConversationTests(SmsHost sms) : IClassFixture<SmsHost>
{
    private static readonly string LongDetails = string.Concat(
        "My eczema has flared up again 😩 and the cream isn’t working. ",
        string.Concat(Enumerable.Repeat("It itches at night, keeps me awake, and spreads to my elbows and the backs of my knees. ", 9)),
        "Can I get a stronger cream? Thanks 🙏");

    [Fact]
    public async Task A_whole_conversation_by_text_ends_with_a_reference_id_in_the_request_store()
    {
        const string from = "+447700900123";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Riverside,
            "Hello 👋 I need to ask the doctor something",
            "N",
            "medical request",
            LongDetails,
            "No thanks",
            "Myself",
            "jane",
            "SMITH",
            "22nd October 2010",
            "f",
            "ls16ae",
            "07700 900123",
            "Text me please",
            "yes please");
        var texts = replies.Select(r => r.Message).ToList();

        texts[0]!.ShouldStartWith("Welcome to Riverside GP Practice.");
        texts[0]!.ShouldEndWith("Is this an emergency? If someone is seriously ill or injured, or their life is at risk, call 999 now.\n1. No, it's not an emergency\n2. Yes, it's an emergency");
        texts[1]!.ShouldBe("What is your request about?\n1. Medical request (a new or ongoing health problem)\n2. Admin request (fit notes, letters, test results, repeat prescriptions)\n3. NHS online advice and guidance on conditions");
        texts[2]!.ShouldStartWith("Tell us about your request");
        texts[3]!.ShouldStartWith("Do you want to add photos?");
        texts[4]!.ShouldBe("Who is this request for?\n1. Myself\n2. Someone else");
        texts[5].ShouldBe("What is your first name?");
        texts[6].ShouldBe("What is your last name?");
        texts[7]!.ShouldStartWith("What is your date of birth?");
        texts[8]!.ShouldStartWith("What is your gender?\n1. Female");
        texts[9].ShouldBe("What is your postcode?");
        texts[10]!.ShouldStartWith("What UK phone number");
        // The number given is the one texting: the channel has shown it is theirs, so no code is sent.
        texts[11]!.ShouldStartWith("How should we reply on");
        texts[12]!.ShouldStartWith("Please check your answers.");
        texts[12]!.ShouldContain("Details: My eczema has flared up again and the cream isn't working.");
        texts[12]!.ShouldContain("Postcode: LS1 6AE");
        texts[12]!.ShouldEndWith("1. Submit\n2. Change an answer");
        texts[13]!.ShouldContain("Your reference is ");

        foreach (var text in texts)
        {
            SmsText.CountSegments(text!).ShouldBeLessThanOrEqualTo(3, text);
        }

        // The review echoed an emoji: dropping it kept the reply in GSM-7 and within 3 segments.
        SmsText.IsGsm7(texts[12]!).ShouldBeTrue();

        var request = await sms.RequestFromReplyAsync(texts[13]);
        request.ServiceId.ShouldBe("riverside-gp");
        request.Channel.ShouldBe(Channel.Sms);
        request.ConversationKey.ShouldBe($"sms:riverside-gp:{from}");
        request.RequestTypeId.ShouldBe("medical-request");
        request.Details.ShouldBe(LongDetails);
        request.Patient.ShouldBe(new PatientDetails("jane", "SMITH", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"));
        request.SubmittedBy.Kind.ShouldBe(SubmitterKind.Self);
        request.Contact.ShouldBe(new ContactDetails(from, true, ContactPreference.Text));

        // They are texting already: no separate confirmation text.
        (await sms.Get<IOutboxStore>().ListForRecipientAsync(from, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Someone_texting_for_another_person_verifies_a_different_mobile_with_the_code_from_the_dev_outbox()
    {
        const string from = "+447700900201";
        const string mobile = "+447700900456";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Northside,
            "hi",
            "no, not an emergency",
            "2",
            "Can I take ibuprofen with my new tablets? Thanks!!! 🙏",
            "someone else",
            "Tom O’Brien",
            "son",
            "Margaret",
            "O'Brien",
            "01/02/1940",
            "FEMALE",
            "sw1a 1aa",
            "+44 7700 900456",
            "Y");
        replies[^1].Message!.ShouldStartWith("We've texted a 6-digit code to");

        using var client = sms.Host.CreateClient();
        var outbox = await client.GetFromJsonAsync<JsonArray>("/dev/outbox?to=%2B447700900456");
        var code = outbox!.ShouldHaveSingleItem()!.AsObject();
        code["to"]!.GetValue<string>().ShouldBe(mobile);
        code["status"]!.GetValue<string>().ShouldBeOneOf("pending", "held");
        code["createdAt"].ShouldNotBeNull();
        var digits = System.Text.RegularExpressions.Regex.Match(code["body"]!.GetValue<string>(), @"\b\d{6}\b").Value;
        digits.Length.ShouldBe(6);

        var rest = await sms.Twilio.TextAsync(from, SmsHost.Northside, $"{digits[..3]} {digits[3..]}", "2", "Y");
        rest[0].Message!.ShouldStartWith("Thank you, that code is right.");
        rest[1].Message!.ShouldStartWith("Please check your answers.");
        rest[1].Message!.ShouldContain("For: someone else (sent by Tom O'Brien, family member)");

        var request = await sms.RequestFromReplyAsync(rest[2].Message);
        request.SubmittedBy.ShouldBe(new Submitter(SubmitterKind.Proxy, "Tom O'Brien", Relationship.FamilyMember));
        request.Patient.ShouldBe(new PatientDetails("Margaret", "O'Brien", new DateOnly(1940, 2, 1), Gender.Female, "SW1A 1AA"));
        request.Contact.ShouldBe(new ContactDetails(mobile, true, ContactPreference.Phone));
        request.RequestTypeId.ShouldBe("medication-question");

        // Both texts go from the service's own number; the newest (the confirmation) is listed first.
        var texts = await sms.Get<IOutboxStore>().ListForRecipientAsync(mobile, 10);
        texts.Select(t => t.Purpose).ShouldBe([TextPurpose.Confirmation, TextPurpose.Code]);
        texts.ShouldAllBe(t => t.From == SmsHost.Northside);
        texts[1].ValiditySeconds.ShouldBe(600);
        var listed = await client.GetFromJsonAsync<JsonArray>("/dev/outbox?to=07700900456");
        listed!.Select(t => t!["body"]!.GetValue<string>()).ShouldBe(texts.Select(t => t.Body));
    }

    [Fact]
    public async Task A_landline_skips_the_code_and_accented_names_are_kept_while_the_review_stays_in_gsm7()
    {
        const string from = "+447700900202";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Hillview,
            "Hi there",
            "1",
            "4",
            "need a letter for work – asap",
            "1",
            "Zoë",
            "Ångström-Lee",
            "1980-02-01",
            "prefer not to say",
            "M1 1AE",
            "0113 496 0999");
        var review = replies[^1].Message!;

        review.ShouldStartWith("Please check your answers.");
        review.ShouldContain("Name: Zoe Ångström-Lee");
        review.ShouldContain("Details: need a letter for work - asap");
        SmsText.IsGsm7(review).ShouldBeTrue();
        SmsText.CountSegments(review).ShouldBeLessThanOrEqualTo(3);

        var submitted = await sms.Twilio.TextAsync(from, SmsHost.Hillview, "send it");
        var request = await sms.RequestFromReplyAsync(submitted[0].Message);
        request.Patient.FirstName.ShouldBe("Zoë");
        request.Patient.DateOfBirth.ShouldBe(new DateOnly(1980, 2, 1));
        request.Patient.Gender.ShouldBe(Gender.PreferNotToSay);
        request.Contact.ShouldBe(new ContactDetails("+441134960999", false, ContactPreference.Phone));
    }

    [Fact]
    public async Task Help_at_the_review_is_shortened_but_never_the_question_or_its_choices()
    {
        const string from = "+447700900203";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside,
            "hello", "1", "1", LongDetails, "2", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700900203", "1");

        var help = (await sms.Twilio.TextAsync(from, SmsHost.Riverside, "HELP"))[0].Message!;

        SmsText.CountSegments(help).ShouldBeLessThanOrEqualTo(3);
        help.ShouldStartWith("Answer each question, or choose a number from the list.");
        // The review fills its 3 segments with the details, so after help it is asked in short.
        help.ShouldContain("call 999");
        help.ShouldEndWith("\n\nReply 1 to submit your request, or 2 to change an answer. Reply details to see your details.\n1. Submit\n2. Change an answer");
    }

    [Fact]
    public async Task A_picture_message_is_answered_with_a_notice_and_its_text_is_still_read()
    {
        const string from = "+447700900204";
        var first = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, string.Empty, numMedia: 1);
        var signatures = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, first)]);

        var opened = await sms.Twilio.PostAsync(first, signatures[0]);

        opened.Status.ShouldBe(HttpStatusCode.OK);
        opened.Message!.ShouldStartWith(PhotosStep.NotNow + "\n\nWelcome to Riverside GP Practice.");

        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "1", "1");
        var withText = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "Photo of the rash on my arm, 3 weeks now", numMedia: 2);
        var signed = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, withText)]);
        var answered = await sms.Twilio.PostAsync(withText, signed[0]);

        // Sent with the details, before the photos question: not kept; the words are the details.
        answered.Message!.ShouldStartWith(PhotosStep.NotNow + "\n\n" + PhotosStep.Question);
    }

    [Fact]
    public async Task A_text_to_a_number_no_service_uses_gets_a_polite_reply_and_nothing_is_stored()
    {
        const string from = "+447700900205";

        var reply = (await sms.Twilio.TextAsync(from, "+447700900999", "hello, I need an appointment"))[0];

        reply.Message!.ShouldStartWith("Sorry, this number does not take requests.");
        reply.Message!.ShouldContain("call 111");
        (await sms.ConversationsOfAsync(from)).ShouldBeEmpty();
        (await sms.Get<IOutboxStore>().ListForRecipientAsync(from, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_dev_outbox_needs_a_number()
    {
        using var client = sms.Host.CreateClient();

        var response = await client.GetAsync("/dev/outbox");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("?to=");
    }
}
