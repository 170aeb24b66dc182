using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Is it an emergency? Yes leads to the emergency advice; no to the request type.</summary>
public sealed class EmergencyStep : IntakeStep
{
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(false, "No, it's not an emergency", "no", "n", "not an emergency", "nope", "not emergency"),
        new ChoiceItem<bool>(true, "Yes, it's an emergency", "yes", "y", "emergency", "yeah"));

    public override Step Step => Step.Emergency;

    public override string Id => "emergency";

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new(SafetyWording.EmergencyQuestion(service), Step, Choices.Choices);

    public override bool IsAnswered(IntakeSession session) => true;

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (turn.Choose(Choices, text, out var emergency))
        {
            await turn.AdvanceAsync(emergency ? Trigger.IsEmergency : Trigger.Answered, ct);
        }
    }
}
