using System.ComponentModel.DataAnnotations;

namespace PatientContact.Conversation.Intake;

/// <summary>Settings of the conversation itself (section "Conversation").</summary>
public sealed class ConversationOptions
{
    /// <summary>An unsubmitted conversation idle this long has its answers deleted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// How long an applied input (Twilio's MessageSid, the web chat's clientActivityID) is remembered, so a
    /// repeat is never applied again: Twilio and the widget retry within minutes, a day at the very least.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "30.00:00:00")]
    public TimeSpan InputMemory { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Invalid answers in a row before the service's phone number is offered.</summary>
    [Range(1, 10)]
    public int StrikesBeforePhone { get; set; } = 3;

    /// <summary>Dates of birth that may fail to match on one personal follow-up link before it never offers its details again.</summary>
    [Range(1, 10)]
    public int FollowUpConfirmationTries { get; set; } = 3;
}
