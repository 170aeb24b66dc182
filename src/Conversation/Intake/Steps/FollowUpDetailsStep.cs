using System.Globalization;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>On a personal follow-up link, once the date of birth matched: are the details held right?</summary>
public sealed class FollowUpDetailsStep : IntakeStep
{
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(true, "Yes, they're right", "yes", "y", "right", "correct", "yes they are"),
        new ChoiceItem<bool>(false, "No, I'll type them", "no", "n", "wrong", "not right"));

    public override Step Step => Step.FollowUpDetails;

    public override string Id => "follow-up-details";

    public override bool IsRequired(IntakeSession session) => session.FollowUp?.WereOffered == true;

    public override bool IsAnswered(IntakeSession session) =>
        session.FollowUp?.Stage is FollowUpStage.Accepted or FollowUpStage.Declined;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var offered = session.FollowUp!;
        var who = session.Answers.Proxy == SubmitterKind.Proxy ? "them" : "you";
        var text = $"Thank you. These are the details we have for {who}:\n"
            + $"Name: {NameParser.Display(offered.OfferedFirstName)} {NameParser.Display(offered.OfferedLastName)}\n"
            + $"Born: {session.Answers.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}\n"
            + $"Mobile: {(offered.OfferedPhone is null ? string.Empty : PhoneParser.Display(offered.OfferedPhone))}\n"
            + "Are they right?";
        return new(text, Step, Choices.Choices);
    }

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, right => turn.Services.FollowUps.Accept(turn, right), ct);
}
