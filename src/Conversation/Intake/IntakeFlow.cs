using System.Text.Json.Serialization;
using PatientContact.Conversation.Intake.Steps;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// The order of the questions and which of them a conversation needs, from its answers so far.
/// The state machine asks this where a valid answer leads.
/// </summary>
public static class IntakeFlow
{
    /// <summary>The questions in the order SPEC section 1 gives them, ending at review.</summary>
    public static readonly IReadOnlyList<Step> Order =
    [
        Step.Emergency, Step.RequestType, Step.Details, Step.RedFlag, Step.Photos, Step.Proxy, Step.ProxyName,
        Step.ProxyRelationship, Step.FollowUpDateOfBirth, Step.FollowUpDetails, Step.FirstName, Step.LastName, Step.DateOfBirth, Step.Gender, Step.Postcode,
        Step.Phone, Step.MobileAccess, Step.Otp, Step.ContactPreference, Step.Review,
    ];

    /// <summary>Where a valid answer at <paramref name="step"/> leads.</summary>
    /// <remarks>
    /// Normally the next question this conversation needs. While changing an answer from the review,
    /// questions already answered are passed over, so a change returns to the review as soon as
    /// everything it affects (a new phone's check, a new proxy's name) has been asked.
    /// </remarks>
    public static Step Next(Step step, IntakeSession session)
    {
        var index = IndexOf(step);
        for (var i = index + 1; i < Order.Count; i++)
        {
            var candidate = Order[i];
            if (!IsRequired(candidate, session) || (session.Changing && IsAnswered(candidate, session)))
            {
                continue;
            }

            return candidate;
        }

        return Step.Review;
    }

    /// <summary>Every step a valid answer at <paramref name="step"/> can lead to, for the graph.</summary>
    public static IEnumerable<Step> PossibleNext(Step step)
    {
        if (Branches.TryGetValue(step, out var branches))
        {
            foreach (var branch in branches)
            {
                yield return branch;
            }

            yield break;
        }

        var index = IndexOf(step);
        for (var i = index + 1; i < Order.Count; i++)
        {
            yield return Order[i];
            if (!IsOptional(Order[i]))
            {
                yield break;
            }
        }
    }

    /// <summary>Whether this conversation needs <paramref name="step"/>, from its answers so far (the step's own rule).</summary>
    public static bool IsRequired(Step step, IntakeSession session) => IntakeSteps.For(step).IsRequired(session);

    private static bool IsOptional(Step step) => IntakeSteps.For(step).IsOptional;

    /// <summary>
    /// Where the follow-up link's questions branch, spelled out for the graph: a link asks the date of birth
    /// before the name, and details the patient accepts are not asked again.
    /// </summary>
    private static readonly Dictionary<Step, Step[]> Branches = new()
    {
        [Step.Proxy] = [Step.ProxyName, Step.FollowUpDateOfBirth, Step.FirstName],
        [Step.ProxyName] = [Step.ProxyRelationship],
        [Step.ProxyRelationship] = [Step.FollowUpDateOfBirth, Step.FirstName],
        [Step.FollowUpDateOfBirth] = [Step.FollowUpDetails, Step.FirstName],
        [Step.FollowUpDetails] = [Step.FirstName, Step.Gender],
        [Step.LastName] = [Step.DateOfBirth, Step.Gender],
        [Step.Postcode] = [Step.Phone, Step.MobileAccess],
    };

    /// <summary>Whether <paramref name="step"/> has an answer (the step's own rule).</summary>
    public static bool IsAnswered(Step step, IntakeSession session) => IntakeSteps.For(step).IsAnswered(session);

    private static int IndexOf(Step step)
    {
        for (var i = 0; i < Order.Count; i++)
        {
            if (Order[i] == step)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(step), step, "Not a question step.");
    }
}

/// <summary>How possession of the contact mobile was shown; stored in the session as <c>"code"</c> or <c>"sms-channel"</c>.</summary>
public enum VerifiedBy
{
    /// <summary>The patient typed the one-time code texted to it.</summary>
    [JsonStringEnumMemberName("code")]
    Code,

    /// <summary>The conversation is by SMS from that very mobile.</summary>
    [JsonStringEnumMemberName("sms-channel")]
    SmsChannel,
}
