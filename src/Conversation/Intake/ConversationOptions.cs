using System.ComponentModel.DataAnnotations;

namespace PatientContact.Conversation.Intake;

/// <summary>Settings of the conversation itself (section "Conversation").</summary>
public sealed class ConversationOptions
{
    /// <summary>An unsubmitted conversation idle this long has its answers deleted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Invalid answers in a row before the service's phone number is offered.</summary>
    [Range(1, 10)]
    public int StrikesBeforePhone { get; set; } = 3;
}
