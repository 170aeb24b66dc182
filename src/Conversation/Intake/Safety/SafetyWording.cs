using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Safety;

/// <summary>
/// The safety wording of every step, worded for the service's type (SPEC section 9): where to get help now,
/// in words a worried patient reads at a glance. A mental health trust's wording names NHS 111's mental health
/// option, its own crisis line, Samaritans and Shout besides 999; every type's names Relay UK for people who
/// cannot hear or speak on the phone, and says a child under 5 needs a call to 111 (111 online is for 5 and over).
/// </summary>
/// <remarks>Each sentence is a whole sentence on its own, so a reply that already says it can leave it out.</remarks>
public static class SafetyWording
{
    /// <summary>Relay UK, where a message sends someone to 999.</summary>
    public const string Relay999 = "Can't hear or speak on the phone? Use Relay UK: 18000 for 999.";

    /// <summary>Relay UK, where a message gives 999 and other numbers.</summary>
    public const string Relay = "Can't hear or speak on the phone? Use Relay UK: 18000 for 999, or 18001 then the number.";

    public const string SamaritansAndShout = "You can call Samaritans on 116 123 or text SHOUT to 85258.";

    public const string ChildUnderFive = "For a child under 5, call 111.";

    public const string DoNotWait = "Do not wait for our reply.";

    public static bool IsMentalHealth(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Type == ServiceTypes.MentalHealthTrust;
    }

    /// <summary>111's mental health option and the service's crisis line (when it has one).</summary>
    public static string MentalHealthNumbers(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.CrisisLine is { } line
            ? $"For urgent help, call 111 and choose the mental health option, or our crisis line on {line}."
            : "For urgent help, call 111 and choose the mental health option.";
    }

    /// <summary>Everything a person in a mental health crisis can call or text, besides 999.</summary>
    public static string MentalHealthCrisis(ServiceDefinition service) => $"{MentalHealthNumbers(service)} {SamaritansAndShout}";

    public static string EmergencyQuestion(ServiceDefinition service) => IsMentalHealth(service)
        ? $"Is this an emergency? If a life is at risk, call 999 now. {MentalHealthCrisis(service)}"
        : "Is this an emergency? If someone is seriously ill or injured, or their life is at risk, call 999 now.";

    public static string EmergencyAdvice(ServiceDefinition service) => IsMentalHealth(service)
        ? $"Call 999 or go to A&E now if your life or someone else's is at risk. {MentalHealthCrisis(service)} {Relay} Nothing you told us has been sent."
        : $"Call 999 now if someone is seriously ill or injured, or their life is at risk. If you need help fast but it is not life-threatening, call 111 or go to 111.nhs.uk. {ChildUnderFive} {Relay} Nothing you told us has been sent.";

    /// <summary>Where to get help now, for help, the closed message, advice and an ended link.</summary>
    public static string UrgentHelp(ServiceDefinition service) => IsMentalHealth(service)
        ? $"{MentalHealthCrisis(service)} In an emergency, call 999. {Relay}"
        : $"If you need help now, call 111 or go to 111.nhs.uk. {ChildUnderFive} In an emergency, call 999. {Relay}";

    /// <summary>What the confirmation says about waiting: nothing extra for an admin request, except at a mental health trust.</summary>
    public static string WhileYouWait(ServiceDefinition service, bool admin) => (IsMentalHealth(service), admin) switch
    {
        (true, false) => $"If you feel worse or unsafe while you wait, call 111 and choose the mental health option{CrisisLineClause(service)}. {SamaritansAndShout} In an emergency, call 999.",
        (true, true) => $"If you need urgent help, call 111 and choose the mental health option{CrisisLineClause(service)}. {SamaritansAndShout} In an emergency, call 999.",
        (false, false) => "If you feel worse while you wait, call 111. In an emergency, call 999.",
        _ => string.Empty,
    };

    private static string CrisisLineClause(ServiceDefinition service) =>
        service.CrisisLine is { } line ? $", or our crisis line on {line}" : string.Empty;
}
