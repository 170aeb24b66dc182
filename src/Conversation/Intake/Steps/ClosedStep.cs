using System.Globalization;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The rules say the service is not taking requests now: when it reopens, how to reach it, where to get help.</summary>
public sealed class ClosedStep : IntakeStep
{
    public override Step Step => Step.Closed;

    public override string Id => "closed";

    public override bool IsEnd => true;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Message(service, availability), Step);

    private static string Message(ServiceDefinition service, Availability? availability)
    {
        // The rules word when the service reopens and how to reach it meanwhile; where to get help now is
        // worded here for the service's type, after it (a sentence the rule already says is not said twice).
        var urgent = SafetyWording.UrgentHelp(service);
        if (availability?.Message is { Length: > 0 } message)
        {
            return $"{message} {RedFlagAdvice.Without(urgent, [message])}".TrimEnd();
        }

        var reopens = availability?.ReopensAt is { } at ? $" We open again {Reopens(at)}." : string.Empty;
        return $"{service.Name} is not taking requests here right now.{reopens} Meanwhile you can call us on {service.PhoneNumber}. {urgent}";
    }

    /// <summary>"on Monday 3 March at 8:00am".</summary>
    private static string Reopens(DateTimeOffset instant)
    {
        var local = LondonTime.InLondon(instant);
        var time = local.ToString(local.Minute == 0 ? "h" : "h:mm", CultureInfo.InvariantCulture)
            + (local.Hour < 12 ? "am" : "pm");
        return $"on {local.ToString("dddd d MMMM", CultureInfo.InvariantCulture)} at {time}";
    }
}
