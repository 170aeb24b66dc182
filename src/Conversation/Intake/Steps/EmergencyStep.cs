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

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, _ => { }, ct, emergency => emergency ? Trigger.IsEmergency : Trigger.Answered);
}
