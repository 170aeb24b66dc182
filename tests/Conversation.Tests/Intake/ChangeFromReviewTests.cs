using PatientContact.Conversation.Tests.Support;

namespace PatientContact.Conversation.Tests.Intake;

public sealed class ChangeFromReviewTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Change_lists_every_answer_that_can_be_changed()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);

        await patient.SayAsync("2");

        patient.Step.ShouldBe("change");
        patient.Choices.Select(c => c.Label).ShouldBe(
            ["Type of request", "Details", "Who it's for", "First name", "Last name", "Date of birth", "Gender", "Postcode", "Phone number", "How we reply"]);
    }

    [Theory]
    [InlineData("1", "request-type", "2", "Request: Admin request")]
    [InlineData("2", "details", "My knee hurts when I walk", "Details: My knee hurts when I walk")]
    [InlineData("4", "first-name", "Janet", "Name: Janet Smith")]
    [InlineData("5", "last-name", "Smyth", "Name: Jane Smyth")]
    [InlineData("6", "date-of-birth", "23/10/2010", "Born: 23 October 2010")]
    [InlineData("7", "gender", "4", "Gender: Prefer not to say")]
    [InlineData("8", "postcode", "ls2 7ew", "Postcode: LS2 7EW")]
    [InlineData("10", "contact-preference", "2", "Reply by: Phone call")]
    public async Task Each_answer_can_be_changed_and_the_flow_returns_to_review(string choice, string step, string newAnswer, string shown)
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("Change an answer");

        await patient.SayAsync(choice);
        patient.Step.ShouldBe(step);
        await patient.SayAsync(newAnswer);

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain(shown);
    }

    [Fact]
    public async Task Changing_to_someone_else_asks_for_the_submitters_name_and_relationship_before_returning()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("2");
        await patient.SayAsync("3");
        patient.Step.ShouldBe("proxy");

        await patient.SayAsync("2");
        patient.Step.ShouldBe("proxy-name");
        await patient.SayAsync("Sam Smith");
        patient.Step.ShouldBe("proxy-relationship");
        await patient.SayAsync("parent");

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("sent by Sam Smith, parent or guardian");
    }

    [Fact]
    public async Task Changing_the_phone_checks_the_new_mobile_before_returning()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("2");
        await patient.SayAsync("9");
        patient.Step.ShouldBe("phone");

        await patient.SayAsync("07700 900456");
        patient.Step.ShouldBe("mobile-access");
        await patient.SayAsync("yes");
        patient.Step.ShouldBe("otp");
        await patient.SayAsync(await _harness.LastCodeSentToAsync("+447700900456"));
        patient.Step.ShouldBe("contact-preference");
        await patient.SayAsync("1");

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("07700 900456");
    }

    [Fact]
    public async Task Changing_the_phone_to_a_landline_returns_straight_to_review_with_a_phone_call()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("2");
        await patient.SayAsync("Phone number");

        await patient.SayAsync("0113 496 0000");

        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Reply by: Phone call");
    }

    [Fact]
    public async Task Changing_the_details_to_red_flag_text_shows_the_advice_before_returning()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("2");
        await patient.SayAsync("2");

        await patient.SayAsync("Now I can't breathe properly");

        patient.Step.ShouldBe("red-flag");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("review");
    }

    [Fact]
    public async Task Back_from_a_change_returns_to_the_list_and_the_answers_stay()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("2");
        await patient.SayAsync("4");

        await patient.SayAsync("back");
        patient.Step.ShouldBe("change");
        await patient.SayAsync("back");
        patient.Step.ShouldBe("review");
        patient.Said.ShouldContain("Name: Jane Smith");
    }
}
