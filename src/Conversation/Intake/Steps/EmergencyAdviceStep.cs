using PatientContact.Conversation.Intake.Safety;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>An emergency (or a red flag the patient chose not to send): call 999, worded for the service type.</summary>
public sealed class EmergencyAdviceStep : IntakeStep
{
    public override Step Step => Step.EmergencyAdvice;

    public override string Id => "emergency-advice";

    public override bool IsEnd => true;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(SafetyWording.EmergencyAdvice(service), Step);

    internal override Task<bool> EnterAsync(Turn turn, CancellationToken ct)
    {
        turn.Count("emergency-advice");
        return Task.FromResult(true);
    }
}
