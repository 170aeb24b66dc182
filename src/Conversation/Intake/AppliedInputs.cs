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
/// An input is recorded only after its turn is committed: a turn that failed is not remembered, so the
/// patient's retry of it is applied. Each new message has an id of its own, so none is ever taken for another.
/// Only ids a channel's client gives each message are kept: Twilio's MessageSid (SMS) and the widget's
/// clientActivityID (web chat, <c>c:</c> ids). The service's own ids (a conversation's opening, the form's
/// page posts) are answered from the session alone, since a conversation can be opened again after it expired.
/// </summary>
public sealed partial class AppliedInputs(IInputIndex? index, ILogger logger)
{
    public async Task<bool> WasAppliedAsync(TurnInput input, CancellationToken cancellationToken) =>
        index is not null && IsKept(input) && await index.ContainsAsync(KeyOf(input), cancellationToken);

    /// <summary>Whether the input's id is one the channel's client gives each message (MessageSid, clientActivityID).</summary>
    public static bool IsKept(TurnInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.InputId is { } id
            && (input.Channel == Channel.Sms || (input.Channel == Channel.WebChat && id.StartsWith("c:", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Records a committed turn's input. A fault here is logged and passed over: the turn is already stored,
    /// and the session's own memory still answers an immediate retry.
    /// </summary>
    public async Task RememberAsync(TurnInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (index is null || !IsKept(input))
        {
            return;
        }

        try
        {
            await index.AddAsync(KeyOf(input), now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotRemembered(logger, ex.GetType().Name);
        }
    }

    /// <summary>A short hash of conversation and input id: no phone number or text is kept.</summary>
    public static string KeyOf(TurnInput input)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input.ConversationKey + "\n" + input.InputId), hash);
        return Convert.ToBase64String(hash[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An applied input could not be recorded ({Error}); a much later repeat of it may be applied again")]
    private static partial void LogNotRemembered(ILogger logger, string error);
}
