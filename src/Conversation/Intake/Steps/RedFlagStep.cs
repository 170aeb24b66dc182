using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// After details that matched red-flag rules: the advice of every rule matched, each sentence once and most serious
/// first, then carry on or don't send it (which leads to the emergency advice).
/// </summary>
public sealed class RedFlagStep : IntakeStep
{
    /// <remarks>
    /// No word here is a carrier keyword (STOP, CANCEL, END, QUIT, UNSUBSCRIBE...): on SMS one of those would opt the
    /// number out of every text instead of answering (SmsKeywords).
    /// </remarks>
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(true, "Carry on with my request", "carry on", "continue", "yes", "y"),
        new ChoiceItem<bool>(false, "Don't send it", "dont send", "do not send", "no", "n", "not now", "leave it", "no thanks"));

    /// <summary>What the red-flag step says after the advice.</summary>
    public const string CarryOn = "If you are safe now or have had help, you can carry on.";

    public override Step Step => Step.RedFlag;

    public override string Id => "red-flag";

    /// <remarks>On a page the advice stands above the question, so the question is asked in words of its own.</remarks>
    public override StepInput Input(IntakeSession session) => new(AnswerKind.Choice, Question: "Do you want to carry on with your request?");

    public override bool IsOptional => true;

    public override bool IsRequired(IntakeSession session) =>
        session.Answers.RedFlags.Count > 0 && !session.Answers.RedFlagsAcknowledged;

    public override bool IsAnswered(IntakeSession session) => session.Answers.RedFlagsAcknowledged;

    /// <summary>The advice of every rule matched, said once, and on SMS within 3 segments with its choices.</summary>
    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var flags = RedFlagAdvice.InOrder(session.Answers.RedFlags);
        var choices = string.Concat(Choices.Choices.Select(c => $"\n{c.Value}. {c.Label}"));
        return new(RedFlagAdvice.Compose(flags, service, SmsWording.RedFlagFits(session.Channel, choices), CarryOn), Step, Choices.Choices);
    }

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (!Choices.TryParse(text, out var carryOn))
        {
            turn.Invalid("Please choose 1 to carry on with your request, or 2 if you do not want to send it.");
            return;
        }

        if (!carryOn)
        {
            turn.Count("red-flag-stopped");
            await turn.AdvanceAsync(Trigger.StopHere, ct);
            return;
        }

        turn.Session.Answers.RedFlagsAcknowledged = true;
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
