namespace PatientContact.Conversation.Intake;

/// <summary>One message from the service; the last of a turn carries the question, its step and its choices.</summary>
public sealed record BotReply(string Text, Step Step, IReadOnlyList<Choice> Choices)
{
    /// <summary>Red-flag advice shown at once: a channel never shortens it to save space.</summary>
    public bool Urgent { get; init; }

    /// <summary>Why the answer was not taken: a form shows it in its error summary and beside the field.</summary>
    public bool Reason { get; init; }

    public static BotReply Say(string text, Step step) => new(text, step, []);
}

/// <summary>A choice: the value a patient can send back (its number) and the label shown.</summary>
public sealed record Choice(string Value, string Label);

/// <summary>What a channel passes in for one turn.</summary>
/// <param name="ConversationKey">Stable per conversation: "sms:{service}:{from}" or the Direct Line conversation id.</param>
/// <param name="InputId">The channel's id for this input (MessageSid, clientActivityID); a repeat is answered, not applied again.</param>
/// <param name="Text">What the patient typed; null when a conversation opens before the patient says anything.</param>
/// <param name="SenderPhone">E.164 of the SMS sender, when the channel knows it.</param>
/// <param name="ClientAddress">The client's IP, for per-client rate limits; never stored with answers.</param>
/// <param name="FollowUpLinkId">The personal follow-up link the channel opened the conversation from (web chat), if any.</param>
/// <param name="Attachments">Pictures or other files that came with the message (MMS), which are not taken yet.</param>
/// <param name="EnteredBy">On the staff channel: the email of the member of staff entering the request.</param>
/// <param name="Photos">Photos that came with the message, already checked by the channel (web chat upload, MMS).</param>
/// <param name="Counted">A shared limit's count the channel read before the turn (the SMS sender's), added with the turn's save.</param>
public sealed record TurnInput(
    string ConversationKey,
    string ServiceId,
    PatientContact.Inbox.Requests.Channel Channel,
    string? InputId,
    string? Text,
    string? SenderPhone = null,
    string? ClientAddress = null,
    string? FollowUpLinkId = null,
    int Attachments = 0,
    string? EnteredBy = null,
    IReadOnlyList<IncomingPhoto>? Photos = null,
    Inbox.Storage.RateCount? Counted = null);

/// <summary>
/// One photo a channel received, checked (<see cref="Inbox.Attachments.PhotoCheck"/>). <paramref name="Id"/> is the
/// same each time the channel retries the same input (see <see cref="IncomingPhoto.IdFor"/>), so a retry keeps it once.
/// </summary>
public sealed record IncomingPhoto(string Id, Inbox.Attachments.PhotoCheckResult Check)
{
    /// <summary>A photo's id from its conversation, the channel's input id and its place in the message.</summary>
    public static string IdFor(string conversationKey, string inputId, int index) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{conversationKey}\n{inputId}\n{index}")))[..32];
}

/// <summary>What a turn produced. No replies at all: a message added to a request, with nothing to say back (SMS, within the hour after an acknowledgement).</summary>
public sealed record TurnResult(IReadOnlyList<BotReply> Replies, bool Replayed)
{
    public Step Step => Replies.Count > 0 ? Replies[^1].Step : Step.Submitted;
}
