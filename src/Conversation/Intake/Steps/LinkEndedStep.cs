using PatientContact.Conversation.Intake.Safety;
using PatientContact.Inbox.Links;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The personal follow-up link has ended (or staff ended it): nothing can be sent from it.</summary>
public sealed class LinkEndedStep : IntakeStep
{
    public override Step Step => Step.LinkEnded;

    public override string Id => "link-ended";

    public override bool IsEnd => true;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Message(service, null), Step);

    /// <summary>
    /// What a personal follow-up link says once it has ended: why, and the ways that still work (the service's
    /// general link, when its address is known, and its phone number).
    /// </summary>
    public static string Message(ServiceDefinition service, string? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(service);
        var general = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? "You can still send us a request from our usual link"
            : $"You can still send us a request at {PatientLinks.Url(publicBaseUrl, service.Id)}";
        return $"This follow-up link has ended: the follow-up period is over, so nothing can be sent from it. {general}, or call us on {service.PhoneNumber}. {SafetyWording.UrgentHelp(service)}";
    }
}
