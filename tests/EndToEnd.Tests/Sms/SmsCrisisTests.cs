using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// SPEC section 9 over the real webhook: texts signed by Twilio's own library, posted to the running service, and
/// the TwiML it answers read as the patient's phone would show it.
/// </summary>
public sealed class SmsCrisisTests(SmsHost sms) : IClassFixture<SmsHost>
{
    [Theory]
    [InlineData(SmsHost.Riverside, "+447700900601")]
    [InlineData(SmsHost.Northside, "+447700900602")]
    [InlineData(SmsHost.Hillview, "+447700900603")]
    public async Task A_first_text_with_crisis_words_gets_the_advice_for_the_service_type_at_once(string to, string from)
    {
        var reply = (await sms.Twilio.TextAsync(from, to, "I want to end my life"))[0].Message!;

        reply.ShouldStartWith("If you might act on thoughts of ending your life, or have already hurt yourself, call 999 or go to A&E now.");
        reply.ShouldContain("call 111 and choose the mental health option");
        reply.ShouldContain("116 123");
        reply.ShouldContain("text SHOUT to 85258");
        reply.ShouldContain("Relay UK: 18000 for 999");
        reply.ShouldEndWith("1. No, it's not an emergency\n2. Yes, it's an emergency");
        SmsText.CountSegments(reply).ShouldBeLessThanOrEqualTo(3, reply);
        if (to == SmsHost.Hillview)
        {
            reply.ShouldContain("our crisis line on 0808 157 0003");
        }
        else
        {
            reply.ShouldNotContain("crisis line");
        }
    }

    [Fact]
    public async Task Crisis_words_at_a_later_step_get_the_advice_and_the_same_question_again()
    {
        const string from = "+447700900604";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Hillview, "hi", "1", "i keep thinking about killing myself");

        var reply = replies[^1].Message!;
        reply.ShouldStartWith("If you might act on thoughts of ending your life");
        reply.ShouldContain("0808 157 0003");
        reply.ShouldContain("116 123");
        reply.ShouldContain("85258");
        reply.ShouldContain("What is your request about?");
        // Advice and question are both sent whole: with a long question the text may run past 3 segments (Twilio joins them).
        SmsText.CountSegments(reply).ShouldBeLessThanOrEqualTo(5, reply);
        (await sms.ConversationAsync("hillview-mental-health", from))!.State.ShouldBe("request-type");
    }

    [Fact]
    public async Task Stop_at_the_red_flag_step_opts_out_after_the_999_advice_was_already_sent()
    {
        const string from = "+447700900605";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "hello", "1", "1", "crushing pain in my chest and my left arm is numb");
        var redFlag = replies[^1].Message!;
        redFlag.ShouldStartWith("Chest pain that feels heavy, tight or crushing");
        redFlag.ShouldContain("Call 999 now.");
        redFlag.ShouldEndWith("1. Carry on with my request\n2. Don't send it");
        redFlag.ShouldNotContain("stop", Case.Insensitive);
        SmsText.CountSegments(redFlag).ShouldBeLessThanOrEqualTo(3, redFlag);

        var stop = await sms.Twilio.TextAsync(from, SmsHost.Riverside, "STOP");

        stop[0].Message.ShouldBeNull();
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeTrue();
    }

    [Fact]
    public async Task Two_at_the_red_flag_step_ends_with_the_emergency_advice_and_sends_nothing()
    {
        const string from = "+447700900606";
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Hillview, "hello", "1", "1", "Im hearing voices telling me to hurt people", "2");

        replies[^2].Message!.ShouldContain("voices or beliefs are telling you to hurt yourself or someone else");
        var end = replies[^1].Message!;
        end.ShouldStartWith("Call 999 or go to A&E now");
        end.ShouldContain("0808 157 0003");
        end.ShouldContain("Nothing you told us has been sent.");
        (await sms.Get<IRequestStore>().ListAsync(new RequestQuery { ServiceIds = ["hillview-mental-health"], RedFlagged = true }))
            .Items.ShouldNotContain(r => r.ConversationKey == $"sms:hillview-mental-health:{from}");
    }
}
