using System.Globalization;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The patient's date of birth, read forgivingly (21/03/1980, 21 March 1980, 21.3.80).</summary>
public sealed class DateOfBirthStep : IntakeStep
{
    public override Step Step => Step.DateOfBirth;

    public override string Id => "date-of-birth";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Date, Own(session, "bday"), "numeric", Hint: "For example, 21 3 1980");

    /// <summary>A follow-up link asked it already, before the details held were offered.</summary>
    public override bool IsRequired(IntakeSession session) => session.FollowUp is null;

    public override bool IsAnswered(IntakeSession session) => session.Answers.DateOfBirth is not null;

    public override string? Previous(IntakeSession session) =>
        session.Answers.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Questions.WithPrevious(Previous(session), ForSelf(session)
            ? "What is your date of birth? For example, 21/03/1980."
            : "What is their date of birth? For example, 21/03/1980."), Step);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var born = DateOfBirthParser.Parse(text, LondonTime.Today(turn.Now));
        if (!born.Ok)
        {
            turn.Invalid(born.Reason!);
            return;
        }

        turn.Session.Answers.DateOfBirth = born.Value;
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
