using System.Security.Cryptography;
using System.Text;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// The engine's long memory of applied inputs, over <see cref="IInputIndex"/>. The session keeps the replies
/// of its last few inputs, so a retry of one of those gets the same answer; this index keeps only a 22-character
/// hash of conversation and input id per input, for <see cref="ConversationOptions.InputMemory"/>, so a repeat
/// sent after more texts than that (a replayed MessageSid) is recognised and answered with nothing.
/// An input is recorded by the save that commits its turn (<see cref="ConversationRecord.AppliedInput"/>): a turn
/// that failed is not remembered, so the patient's retry of it is applied. Each new message has an id of its own, so none is ever taken for another.
/// Only ids a channel's client gives each message are kept: Twilio's MessageSid (SMS) and the widget's
/// clientActivityID (web chat, <c>c:</c> ids). The service's own ids (a conversation's opening, the form's
/// page posts) are answered from the session alone, since a conversation can be opened again after it expired.
/// </summary>
/// <remarks>
/// The engine asks the index with the conversation's own read (<see cref="IConversationStore.GetWithInputAsync"/>), so
/// the index given here must be the conversation store's own; without one, nothing is kept or asked.
/// </remarks>
public sealed class AppliedInputs(IInputIndex? index)
{
    /// <summary>Whether the input's id is one the channel's client gives each message (MessageSid, clientActivityID).</summary>
    public static bool IsKept(TurnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.InputId is { } id
            && (input.Channel == Channel.Sms || (input.Channel == Channel.WebChat && id.StartsWith("c:", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The key the turn's save records with the conversation (<see cref="ConversationRecord.AppliedInput"/>), or null
    /// when this input is not kept: recorded only if the turn is stored, in the same write where the store allows.
    /// </summary>
    public string? KeyToRecord(TurnInput input) => index is not null && IsKept(input) ? KeyOf(input) : null;

    /// <summary>A short hash of conversation and input id: no phone number or text is kept.</summary>
    public static string KeyOf(TurnInput input)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input.ConversationKey + "\n" + input.InputId), hash);
        return Convert.ToBase64String(hash[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
