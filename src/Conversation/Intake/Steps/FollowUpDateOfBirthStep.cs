using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>On a personal follow-up link: the date of birth, asked before any details held are shown (see <see cref="FollowUp.FollowUpLinks"/>).</summary>
public sealed class FollowUpDateOfBirthStep : IntakeStep
{
    public override Step Step => Step.FollowUpDateOfBirth;

    public override string Id => "follow-up-date-of-birth";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Date, Own(session, "bday"), "numeric", Hint: "For example, 21 3 1980");

    /// <summary>A personal follow-up link asks the date of birth first, and offers the details it holds once it matches.</summary>
    public override bool IsRequired(IntakeSession session) => session.FollowUp is not null;

    public override bool IsAnswered(IntakeSession session) => session.FollowUp is { Stage: not FollowUpStage.Pending };

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(ForSelf(session)
            ? $"{service.Name} sent you this link, so we may already have some of your details. To check it's you, what is your date of birth? For example, 21/03/1980."
            : $"{service.Name} sent this link to the person you're helping, so we may already have some of their details. To check, what is their date of birth? For example, 21/03/1980.", Step);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        turn.Services.FollowUps.ConfirmAsync(turn, text, ct);
}
