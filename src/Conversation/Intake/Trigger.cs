namespace PatientContact.Conversation.Intake;

/// <summary>What moves a conversation from one step to another.</summary>
public enum Trigger
{
    /// <summary>The service takes requests now: ask the first question.</summary>
    Open,
    /// <summary>The rules say the service is not taking requests now.</summary>
    ServiceClosed,
    /// <summary>A valid answer; the next step follows from the answers so far.</summary>
    Answered,
    /// <summary>"Yes, it's an emergency".</summary>
    IsEmergency,
    /// <summary>An advice-kind request type was chosen.</summary>
    ChoseAdvice,
    /// <summary>At a red flag: "don't send it".</summary>
    StopHere,
    Submit,
    Change,
    /// <summary>A numbered answer chosen from the change list.</summary>
    ChangeAnswer,
    Back,
    Restart,
    /// <summary>The personal follow-up link the conversation came from can no longer be used.</summary>
    LinkEnded,
    /// <summary>Idle for longer than the timeout.</summary>
    Expire,
}
