using PatientContact.Inbox.Messaging;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

public sealed class OneTimeCodeStepTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private async Task<PatientSession> AtCodeAsync()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700 900123", "yes" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("otp");
        return patient;
    }

    [Fact]
    public async Task The_code_is_texted_to_the_number_given_and_never_kept_in_clear()
    {
        var patient = await AtCodeAsync();

        var texts = await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 10);
        texts.Count.ShouldBe(1);
        texts[0].Body.ShouldMatch(@"^\d{6} is your code for Riverside GP Practice\. It expires in 10 minutes\.");
        texts[0].ValiditySeconds.ShouldBe(600);
        var code = texts[0].Body[..6];
        (await _harness.Conversations.GetAsync(patient.Key))!.DataText.ShouldNotContain(code);
    }

    [Fact]
    public async Task The_right_code_verifies_and_cannot_be_used_again()
    {
        var patient = await AtCodeAsync();
        var code = await _harness.LastCodeSentToAsync(Walks.JanePhone);

        await patient.SayAsync(code.Insert(3, " "));
        patient.Step.ShouldBe("contact-preference");
        patient.Said.ShouldContain("that code is right");

        await patient.SayAsync("back");
        patient.Step.ShouldBe("otp");
        await patient.SayAsync(code);
        patient.Step.ShouldBe("otp");
    }

    [Fact]
    public async Task Wrong_codes_count_down_and_after_five_the_conversation_carries_on_unverified()
    {
        var patient = await AtCodeAsync();
        var right = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        var wrong = right == "000000" ? "111111" : "000000";

        for (var tries = 1; tries <= 4; tries++)
        {
            await patient.SayAsync(wrong);
            patient.Step.ShouldBe("otp");
            patient.Said.ShouldContain($"{5 - tries} tr");
        }

        await patient.SayAsync(wrong);

        patient.Step.ShouldBe("contact-preference");
        patient.Said.ShouldContain("carry on without checking");
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.Single();
        stored.Contact.Verified.ShouldBeFalse();
    }

    [Fact]
    public async Task A_new_code_does_not_reset_the_wrong_tries()
    {
        var patient = await AtCodeAsync();
        for (var i = 0; i < 3; i++)
        {
            await patient.SayAsync("999999" == await _harness.LastCodeSentToAsync(Walks.JanePhone) ? "888888" : "999999");
        }

        await patient.SayAsync("resend");
        patient.Said.ShouldContain("new code");
        var fresh = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        await patient.SayAsync(fresh == "999999" ? "888888" : "999999");
        patient.Said.ShouldContain("1 try left");
    }

    [Fact]
    public async Task Starting_again_does_not_reset_the_wrong_tries_or_the_codes_sent()
    {
        var patient = await AtCodeAsync();
        for (var i = 0; i < 3; i++)
        {
            await patient.SayAsync("999999" == await _harness.LastCodeSentToAsync(Walks.JanePhone) ? "888888" : "999999");
        }

        await patient.SayAsync("restart");
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700 900123", "yes" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("otp");
        var fresh = await _harness.LastCodeSentToAsync(Walks.JanePhone);
        await patient.SayAsync(fresh == "999999" ? "888888" : "999999");
        patient.Said.ShouldContain("1 try left");
        await patient.SayAsync(fresh == "999999" ? "888888" : "999999");
        patient.Step.ShouldBe("contact-preference");
        patient.Said.ShouldContain("carry on without checking");
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var patient = await AtCodeAsync();
        var code = await _harness.LastCodeSentToAsync(Walks.JanePhone);

        _harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await patient.SayAsync(code);

        patient.Step.ShouldBe("otp");
        patient.Said.ShouldContain("expired");
        await patient.SayAsync("resend");
        await patient.SayAsync(await _harness.LastCodeSentToAsync(Walks.JanePhone));
        patient.Step.ShouldBe("contact-preference");
    }

    [Fact]
    public async Task After_five_sends_no_more_codes_go_and_the_conversation_carries_on()
    {
        var patient = await AtCodeAsync();
        for (var i = 0; i < 4; i++)
        {
            await patient.SayAsync("resend");
            patient.Step.ShouldBe("otp");
        }

        await patient.SayAsync("resend");

        patient.Step.ShouldBe("contact-preference");
        patient.Said.ShouldContain("can't send any more codes");
        (await _harness.Outbox.ListForRecipientAsync(Walks.JanePhone, 20)).Count(t => t.Purpose == TextPurpose.Code).ShouldBe(5);
    }

    [Fact]
    public async Task A_code_that_is_not_six_digits_gets_a_reason_and_does_not_count_as_a_try()
    {
        var patient = await AtCodeAsync();

        await patient.SayAsync("12345");
        patient.Said.ShouldContain("6 digits");
        await patient.SayAsync(await _harness.LastCodeSentToAsync(Walks.JanePhone));

        patient.Step.ShouldBe("contact-preference");
    }
}
