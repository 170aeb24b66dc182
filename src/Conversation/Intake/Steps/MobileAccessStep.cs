using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Does the patient have the mobile given with them now? Yes: a code is texted to it.</summary>
public sealed class MobileAccessStep : IntakeStep
{
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(true, "Yes", "y", "yes i do", "yeah", "yep"),
        new ChoiceItem<bool>(false, "No", "n", "no i dont", "nope"));

    public override Step Step => Step.MobileAccess;

    public override string Id => "mobile-access";

    public override bool IsOptional => true;

    /// <summary>A mobile, unless an SMS from that very number showed the patient holds it.</summary>
    public override bool IsRequired(IntakeSession session) =>
        session.Answers.PhoneIsMobile && session.Answers.VerifiedBy != VerifiedBy.SmsChannel;

    public override bool IsAnswered(IntakeSession session) => session.Answers.MobileAccess is not null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new($"Do you have the phone {PhoneParser.Display(session.Answers.Phone!)} with you now? We'll text it a code to check.", Step, Choices.Choices);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, hasPhone => turn.Session.Answers.MobileAccess = hasPhone, ct);
}
