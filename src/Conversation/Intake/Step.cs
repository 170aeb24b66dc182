using PatientContact.Conversation.Intake.Steps;

namespace PatientContact.Conversation.Intake;

/// <summary>Where a conversation is. Every value but <see cref="Welcome"/> and <see cref="Expired"/> is a step of SPEC section 1.</summary>
public enum Step
{
    /// <summary>A conversation that has not asked anything yet.</summary>
    Welcome,
    Closed,
    Emergency,
    EmergencyAdvice,
    RequestType,
    Advice,
    Details,
    RedFlag,
    /// <summary>Where the request type allows them: photos after the details (SPEC section 13).</summary>
    Photos,
    Proxy,
    ProxyName,
    ProxyRelationship,
    /// <summary>On a personal follow-up link: the date of birth, asked before any details held are shown.</summary>
    FollowUpDateOfBirth,
    /// <summary>On a personal follow-up link, once the date of birth matched: are the details held right?</summary>
    FollowUpDetails,
    FirstName,
    LastName,
    DateOfBirth,
    Gender,
    Postcode,
    Phone,
    MobileAccess,
    Otp,
    ContactPreference,
    Review,
    Change,
    Submitted,
    /// <summary>The personal follow-up link has ended (or staff ended it): nothing can be sent from it.</summary>
    LinkEnded,
    /// <summary>Idle too long: the answers were deleted; the next message starts again with an explanation.</summary>
    Expired,
}

/// <summary>The stable step ids channels expose (web chat: <c>channelData.step</c>), each given by its step's class.</summary>
public static class StepIds
{
    public static string ToId(this Step step) => IntakeSteps.For(step).Id;

    public static bool TryParse(string id, out Step step) => IntakeSteps.TryFind(id, out step);

    /// <summary>Steps after which the conversation has ended; the next message starts a new one.</summary>
    public static bool IsEnd(this Step step) => IntakeSteps.For(step).IsEnd;
}
