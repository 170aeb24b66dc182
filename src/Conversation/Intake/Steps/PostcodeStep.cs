using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The patient's UK postcode.</summary>
public sealed class PostcodeStep : IntakeStep
{
    public override Step Step => Step.Postcode;

    public override string Id => "postcode";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Text, Own(session, "postal-code"), Width: "nhsuk-input--width-10");

    public override bool IsAnswered(IntakeSession session) => session.Answers.Postcode is not null;

    public override string? Previous(IntakeSession session) => session.Answers.Postcode;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Questions.WithPrevious(Previous(session), ForSelf(session) ? "What is your postcode?" : "What is their postcode?"), Step);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var postcode = PostcodeParser.Parse(text);
        if (!postcode.Ok)
        {
            turn.Invalid(postcode.Reason!);
            return;
        }

        turn.Session.Answers.Postcode = postcode.Value;
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
