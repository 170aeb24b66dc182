using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Safety;

/// <summary>
/// The safety part of the confirmation, on screen and in the confirmation text: after a red flag the patient
/// carried on with, the urgent advice again, first; otherwise what to do while waiting, worded for the service
/// type, and nothing of the kind for an admin request (except at a mental health trust, which always names
/// where to get urgent help).
/// </summary>
public static class Confirmation
{
    /// <summary>The flags of the whole conversation: the details' and any raised at other steps, most serious first.</summary>
    public static IReadOnlyList<RedFlagMatch> Flags(IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return RedFlagAdvice.InOrder(session.Answers.RedFlags.Concat(session.RaisedFlags.Select(r => r.Flag)));
    }

    /// <summary><paramref name="thanks"/> (the reference and the response promise) with the safety wording around it.</summary>
    public static string Wrap(string thanks, IntakeSession session, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(thanks);
        ArgumentNullException.ThrowIfNull(service);
        var flags = Flags(session);
        if (flags.Count > 0)
        {
            return $"{RedFlagAdvice.Reminder(flags, service)} {thanks}";
        }

        var chosen = session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId);
        var wait = SafetyWording.WhileYouWait(service, admin: chosen is { Clinical: false });
        return wait.Length == 0 ? thanks : $"{thanks} {wait}";
    }
}
