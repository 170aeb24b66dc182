using System.Net;
using System.Xml.Linq;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>Twilio retries a webhook with the same MessageSid, and does not promise delivery order.</summary>
public sealed class SmsRetryAndOrderTests(SmsHost sms) : IClassFixture<SmsHost>
{
    [Fact]
    public async Task The_same_message_sid_five_times_in_a_row_changes_the_conversation_once_and_gets_the_same_twiml()
    {
        const string from = "+447700900301";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello");
        var before = (await sms.ConversationAsync("riverside-gp", from))!;
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "1");
        var signature = (await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, fields)]))[0];

        var replies = new List<SmsReply>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add(await sms.Twilio.PostAsync(fields, signature));
        }

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        replies[0].Message!.ShouldStartWith("What is your request about?");
        replies.ShouldAllBe(r => XNode.DeepEquals(r.Twiml, replies[0].Twiml));
        var after = (await sms.ConversationAsync("riverside-gp", from))!;
        after.Version.ShouldBe(before.Version + 1);
        after.State.ShouldBe("request-type");
    }

    [Fact]
    public async Task The_same_message_sid_five_times_at_once_changes_the_conversation_once_and_gets_the_same_twiml()
    {
        const string from = "+447700900302";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "no");
        var before = (await sms.ConversationAsync("riverside-gp", from))!;
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "Admin request");
        var signature = (await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, fields)]))[0];

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sms.Twilio.PostAsync(fields, signature)));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        replies[0].Message!.ShouldStartWith("Tell us about your request");
        replies.ShouldAllBe(r => XNode.DeepEquals(r.Twiml, replies[0].Twiml));
        var after = (await sms.ConversationAsync("riverside-gp", from))!;
        after.Version.ShouldBe(before.Version + 1);
        after.State.ShouldBe("details");
    }

    [Fact]
    public async Task Two_different_texts_at_once_are_both_applied_one_after_the_other()
    {
        const string from = "+447700900303";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "1", "1", "Repeat prescription for my inhaler please", "2", "1");
        var before = (await sms.ConversationAsync("riverside-gp", from))!;
        before.State.ShouldBe("first-name");
        var first = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "Jane");
        var second = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "Smith");
        var signatures = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, first), (sms.Twilio.WebhookUrl, second)]);

        var replies = await Task.WhenAll(sms.Twilio.PostAsync(first, signatures[0]), sms.Twilio.PostAsync(second, signatures[1]));

        // Whichever arrived first was the first name; the other was the last name. Neither was lost.
        replies.Select(r => r.Message).ShouldBe(["What is your last name?", "What is your date of birth? For example, 21/03/1980."], ignoreOrder: true);
        var after = (await sms.ConversationAsync("riverside-gp", from))!;
        after.Version.ShouldBe(before.Version + 2);
        after.State.ShouldBe("date-of-birth");

        var rest = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "1/2/1980", "2", "LS1 6AE", "0113 496 0000", "1");
        var request = await sms.RequestFromReplyAsync(rest[^1].Message);
        new[] { request.Patient.FirstName, request.Patient.LastName }.ShouldBe(["Jane", "Smith"], ignoreOrder: true);
    }

    [Fact]
    public async Task Texts_delivered_out_of_order_are_read_in_arrival_order_without_corrupting_answers()
    {
        const string from = "+447700900304";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "1", "2", "I need a fit note", "1", "Sam", "Jones", "3 March 1975");

        // Sent "male" then "ls1 6ae", delivered the other way round.
        var late = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "ls1 6ae", "male");

        late[0].Message!.ShouldBe("Sorry, we did not understand that. Reply with a number or the words, like 1 or Female.\n\nWhat is your gender?\n1. Female\n2. Male\n3. Other\n4. Prefer not to say");
        late[1].Message.ShouldBe("What is your postcode?");
        (await sms.ConversationAsync("riverside-gp", from))!.State.ShouldBe("postcode");

        var rest = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "ls1 6ae", "0113 496 0000", "submit");
        var request = await sms.RequestFromReplyAsync(rest[^1].Message);
        request.Patient.ShouldBe(new PatientDetails("Sam", "Jones", new DateOnly(1975, 3, 3), Gender.Male, "LS1 6AE"));
        request.RequestTypeId.ShouldBe("admin-request");
    }

    [Fact]
    public async Task A_signed_message_sid_replayed_after_seven_other_texts_is_not_applied_again_and_the_next_text_is()
    {
        const string from = "+447700900305";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello");
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "1");
        var signature = (await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, fields)]))[0];
        (await sms.Twilio.PostAsync(fields, signature)).Message!.ShouldStartWith("What is your request about?");
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "1", "Repeat prescription for my inhaler please", "2", "1", "Jane", "Smith", "1/2/1980", "2");
        var before = (await sms.ConversationAsync("riverside-gp", from))!;
        before.State.ShouldBe("postcode");

        // Far more texts ago than the conversation keeps replies for: recognised from the store's index.
        var replay = await sms.Twilio.PostAsync(fields, signature);

        replay.Status.ShouldBe(HttpStatusCode.OK);
        replay.Message.ShouldBeNull("a repeat of an old text gets no reply, not a 'did not understand'");
        var after = (await sms.ConversationAsync("riverside-gp", from))!;
        after.Version.ShouldBe(before.Version);
        after.State.ShouldBe("postcode");

        // The patient's next text, a different one, is applied as ever.
        var next = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "LS1 6AE");
        next[0].Message.ShouldNotBeNull();
        (await sms.ConversationAsync("riverside-gp", from))!.State.ShouldNotBe("postcode");
    }
}
