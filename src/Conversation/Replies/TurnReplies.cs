using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Steps;

namespace PatientContact.Conversation.Replies;

/// <summary>How a turn hands a message to <see cref="RequestReplies"/> before any step reads it.</summary>
internal static class TurnReplies
{
    /// <summary>
    /// A message after submission (no conversation in progress) that belongs on the patient's request: added there, and
    /// answered with the acknowledgement, red-flag advice first; the conversation is left as it was. False otherwise.
    /// </summary>
    public static async Task<bool> AddedToRequestAsync(this RequestReplies replies, Turn turn, string? text, bool inProgress, CancellationToken ct)
    {
        var (s, input) = (turn.Session, turn.Input);
        var answer = await replies.TryAddAsync(
            new IncomingMessage(turn.Service, input.Channel, input.ConversationKey, input.InputId, text, input.SenderPhone, input.Attachments,
                inProgress, s.Step == Step.Submitted ? s.ReferenceId : null, turn.Now),
            ct);
        if (answer is null)
        {
            return false;
        }

        foreach (var said in answer)
        {
            turn.Say(said);
        }

        turn.AddedToRequest = true;
        if (input.Photos is { Count: > 0 })
        {
            turn.Replies.Insert(0, BotReply.Say(PhotosStep.NotAfterSending, s.Step));
        }

        return true;
    }
}
