using System.Xml.Linq;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>STOP and START, as Twilio's standard keywords.</summary>
public sealed class SmsOptOutTests(SmsHost sms) : IClassFixture<SmsHost>
{
    [Fact]
    public async Task Stop_discards_the_conversation_and_no_text_after_it_gets_a_reply()
    {
        const string from = "+447700900401";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "1", "1", "Sore knee for two weeks", "2", "1", "Jane");
        (await sms.ConversationAsync("riverside-gp", from)).ShouldNotBeNull();

        var stop = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "STOP");

        stop[0].Message.ShouldBeNull();
        stop[0].Twiml.Root!.Name.LocalName.ShouldBe("Response");
        (await sms.ConversationsOfAsync(from)).ShouldBeEmpty();
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeTrue();

        var after = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "Smith", "hello?", "HELP", "1");
        after.ShouldAllBe(r => r.Message == null);
        (await sms.ConversationsOfAsync(from)).ShouldBeEmpty();

        // Every outbound send respects it too.
        (await sms.Get<IOutboundSender>().QueueAsync(new OutboundText(from, "Your appointment", TextPurpose.StaffReply, From: SmsHost.Riverside))).ShouldBe(QueueResult.OptedOut);
    }

    [Theory]
    [InlineData("stop", "+447700900410")]
    [InlineData("Stop.", "+447700900411")]
    [InlineData(" STOPALL ", "+447700900412")]
    [InlineData("Unsubscribe", "+447700900413")]
    [InlineData("cancel", "+447700900414")]
    [InlineData("END", "+447700900415")]
    [InlineData("quit", "+447700900416")]
    public async Task Twilios_opt_out_words_opt_out_in_any_case(string word, string from)
    {
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Northside, "hello", word, "are you there?");

        replies[0].Message.ShouldNotBeNull();
        replies[1].Message.ShouldBeNull();
        replies[2].Message.ShouldBeNull();
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeTrue();
    }

    [Fact]
    public async Task Start_opts_back_in_and_the_conversation_begins_again()
    {
        const string from = "+447700900402";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "1", "STOP");

        var start = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "START", "no");

        start[0].Message!.ShouldStartWith("Welcome to Riverside GP Practice.");
        start[0].Message!.ShouldEndWith("2. Yes, it's an emergency");
        start[1].Message!.ShouldStartWith("What is your request about?");
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeFalse();
    }

    [Fact]
    public async Task Yes_opts_back_in_only_a_number_that_opted_out_and_a_retry_of_it_gets_the_same_reply()
    {
        const string from = "+447700900403";
        await sms.Twilio.TextAsync(from, SmsHost.Hillview, "hi", "unsubscribe");
        var yes = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Hillview, "YES");
        var signature = (await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, yes)]))[0];

        var first = await sms.Twilio.PostAsync(yes, signature);
        var retry = await sms.Twilio.PostAsync(yes, signature);

        first.Message!.ShouldStartWith("Welcome to Hillview Mental Health NHS Trust.");
        XNode.DeepEquals(first.Twiml, retry.Twiml).ShouldBeTrue();
        (await sms.ConversationAsync("hillview-mental-health", from))!.Version.ShouldBe(1);

        // Now opted in, "yes" is an answer again: to "Is this an emergency?" it means yes.
        var answer = await sms.Twilio.TextAsync(from, SmsHost.Hillview, "yes");
        answer[0].Message!.ShouldStartWith("Call 999");
    }

    [Fact]
    public async Task A_retried_stop_still_sends_nothing()
    {
        const string from = "+447700900404";
        await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello");
        var stop = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "STOP");
        var signature = (await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, stop)]))[0];

        var replies = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sms.Twilio.PostAsync(stop, signature)));

        replies.ShouldAllBe(r => r.Message == null);
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeTrue();
    }
}
