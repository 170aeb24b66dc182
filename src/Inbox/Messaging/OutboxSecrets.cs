using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Messaging;

/// <summary>
/// Texts whose words are a secret: a one-time code (SPEC: a code is kept only as a keyed hash) and a personal
/// follow-up link (its token opens the link). The outbox must hold them until they are sent; once a text is
/// sent or given up on, its stored body is replaced by a note of what it was, so the database does not keep them.
/// </summary>
public static class OutboxSecrets
{
    public static bool IsSecret(TextPurpose purpose) => purpose is TextPurpose.Code or TextPurpose.FollowUpLink;

    /// <summary>The message as it is kept once settled: a secret's body replaced, anything else unchanged.</summary>
    public static OutboxMessage Settled(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Purpose switch
        {
            TextPurpose.Code => message with { Body = "(a one-time code; its words are not kept once it has gone)" },
            TextPurpose.FollowUpLink => message with { Body = "(a personal follow-up link; its words are not kept once it has gone)" },
            _ => message,
        };
    }
}
