using PatientContact.Conversation.Intake.Safety;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>An advice-kind request type was chosen: where to get that advice straight away.</summary>
public sealed class AdviceStep : IntakeStep
{
    public override Step Step => Step.Advice;

    public override string Id => "advice";

    public override bool IsEnd => true;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var chosen = session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId);
        return BotReply.Say(
            $"You can get advice straight away at {chosen?.AdviceUrl ?? "https://www.nhs.uk"}. If you still need us afterwards, send us a request here at any time. {SafetyWording.UrgentHelp(service)}",
            Step);
    }

    internal override Task<bool> EnterAsync(Turn turn, CancellationToken ct)
    {
        turn.Count("advice");
        return Task.FromResult(true);
    }
}
