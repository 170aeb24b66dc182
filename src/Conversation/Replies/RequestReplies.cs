using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Replies;

/// <summary>One message from a patient that may belong on a request they already sent, as the engine sees it.</summary>
/// <param name="ConversationKey">The channel's conversation (for web chat, the chat the request was sent from).</param>
/// <param name="InputId">The channel's id for this message (Twilio's MessageSid, the Direct Line activity): a retry carries the same.</param>
/// <param name="SenderPhone">The number a text came from (E.164); null off SMS.</param>
/// <param name="Attachments">Pictures or other files that came with it (MMS).</param>
/// <param name="InProgress">Whether the conversation is part way through a request: then the message is an answer, not a reply.</param>
/// <param name="SubmittedReferenceId">The request this same conversation submitted, while the conversation is kept.</param>
public sealed record IncomingMessage(
    ServiceDefinition Service,
    Channel Channel,
    string ConversationKey,
    string? InputId,
    string? Text,
    string? SenderPhone,
    int Attachments,
    bool InProgress,
    string? SubmittedReferenceId,
    DateTimeOffset Now);

/// <summary>
/// Messages a patient sends after submitting, threaded onto their request instead of starting a new intake (SPEC
/// section 10). By SMS: a text from a number with no conversation in progress, whose most recent request to that
/// service (submitted, or texted by staff) is from the last 14 days, goes on that request. In web chat: a message
/// typed in the same chat after the reference ID. "new request" or "restart" starts a new intake instead. Red-flag
/// rules run on every reply: a match puts its advice first in the answer and flags the request for staff. The
/// acknowledgement is sent at most once an hour per request. A retried delivery of the same message is stored once
/// and answered as the first time.
/// </summary>
public sealed partial class RequestReplies(
    IRequestStore requests,
    IMessageStore messages,
    IRuleBookProvider rules,
    ILogger<RequestReplies> logger)
{
    /// <summary>How long after a request (or a staff text on it) a text from the number is taken as a reply.</summary>
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromDays(14);

    /// <summary>At most one acknowledgement per request in this time.</summary>
    public static readonly TimeSpan AcknowledgementInterval = TimeSpan.FromHours(1);

    private const int MaxRetries = 10;

    /// <summary>Words that start a new request rather than replying to the last one.</summary>
    public static bool AsksForNewRequest(string text) =>
        TextInput.Fold(TextInput.Clean(text)) is "new request" or "a new request" or "restart" or "start again" or "start over";

    /// <summary>
    /// Adds the message to the request it belongs on and returns what to answer (empty: nothing to say, within the
    /// hour after an acknowledgement); null when it is not a reply (an answer in a conversation in progress, no
    /// recent request, or a new request asked for) and the conversation should handle it.
    /// </summary>
    public async Task<IReadOnlyList<string>?> TryAddAsync(IncomingMessage incoming, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.InProgress || incoming.Text is null || (incoming.Text.Length == 0 && incoming.Attachments == 0) || AsksForNewRequest(incoming.Text))
        {
            return null;
        }

        var dedupeKey = DedupeKey(incoming);
        if (dedupeKey is not null && await messages.FindByDedupeKeyAsync(dedupeKey, cancellationToken) is { } earlier)
        {
            return Answer(earlier);
        }

        var request = await FindRequestAsync(incoming, cancellationToken);
        if (request is null)
        {
            return null;
        }

        var text = incoming.Text.Trim();
        var flags = await RedFlagScreening.ScreenAsync(rules.Current, incoming.Service, text);
        var thread = await messages.ListForRequestAsync(request.ReferenceId, cancellationToken);
        var acknowledge = !thread.Any(m => m.Direction == MessageDirection.In && m.Acknowledged && incoming.Now - m.CreatedAt < AcknowledgementInterval);

        var answer = new List<string>();
        if (flags.Count > 0)
        {
            answer.Add(RedFlagScreening.AdviceNow(flags, incoming.Service, incoming.Channel));
        }

        if (acknowledge)
        {
            answer.Add(ReplyWording.Acknowledgement(incoming.Service, request.ReferenceId, incoming.Channel));
        }
        else if (incoming.Channel != Channel.Sms)
        {
            // A chat that says nothing back looks broken; a text that says nothing costs nothing.
            answer.Add(ReplyWording.AddedAgain(request.ReferenceId));
        }

        var body = text.Length == 0 ? ReplyWording.AttachmentNotKept
            : incoming.Attachments > 0 ? $"{text}\n\n{ReplyWording.AttachmentNotKept}"
            : text;
        var message = new RequestMessage
        {
            Id = Guid.NewGuid(),
            ReferenceId = request.ReferenceId,
            ServiceId = request.ServiceId,
            Direction = MessageDirection.In,
            Channel = incoming.Channel,
            Body = body,
            CreatedAt = incoming.Now,
            Phone = incoming.SenderPhone,
            ProviderMessageId = incoming.Channel == Channel.Sms ? incoming.InputId : null,
            DedupeKey = dedupeKey,
            AutoReply = answer.Count == 0 ? null : string.Join("\n\n", answer),
            Acknowledged = acknowledge,
            RedFlagIds = [.. flags.Select(f => f.Id)],
        };
        if (await messages.AddAsync(message, cancellationToken) == AddResult.AlreadyExists && dedupeKey is not null
            && await messages.FindByDedupeKeyAsync(dedupeKey, cancellationToken) is { } first)
        {
            // The same message delivered twice at once: the first one stored is the one answered.
            return Answer(first);
        }

        LogReply(logger, request.ReferenceId, incoming.Channel, flags.Count);
        if (flags.Count > 0)
        {
            await FlagAsync(request.ReferenceId, flags, incoming.Now, cancellationToken);
        }

        return answer;
    }

    /// <summary>The request a message belongs on: the one this chat sent, or by SMS the number's most recent one at this service.</summary>
    private async Task<ContactRequest?> FindRequestAsync(IncomingMessage incoming, CancellationToken cancellationToken)
    {
        if (incoming.SubmittedReferenceId is { } submitted && await requests.GetAsync(submitted, cancellationToken) is { } own && own.ServiceId == incoming.Service.Id)
        {
            return own;
        }

        if (incoming.Channel != Channel.Sms || incoming.SenderPhone is not { } phone)
        {
            return null;
        }

        var since = incoming.Now - ReplyWindow;
        var latest = await requests.LatestForPhoneAsync(incoming.Service.Id, phone, since, cancellationToken);
        var staffText = await messages.LatestStaffTextAsync(incoming.Service.Id, phone, since, cancellationToken);
        if (staffText is not null && (latest is null || staffText.CreatedAt > latest.CreatedAt) && staffText.ReferenceId != latest?.ReferenceId)
        {
            var texted = await requests.GetAsync(staffText.ReferenceId, cancellationToken);
            if (texted?.ServiceId == incoming.Service.Id)
            {
                return texted;
            }
        }

        return latest;
    }

    /// <summary>Adds the reply's red flags to the request (each rule once), on the latest version.</summary>
    private async Task FlagAsync(string referenceId, IReadOnlyList<RedFlagMatch> flags, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var request = await requests.GetAsync(referenceId, cancellationToken);
            if (request is null)
            {
                return;
            }

            var added = flags.Where(f => request.RedFlags.All(r => r.Id != f.Id)).Select(f => new RedFlagHit(f.Id, f.Severity, f.Advice)).ToList();
            if (added.Count == 0)
            {
                return;
            }

            if (await requests.TryUpdateAsync(request with { RedFlags = [.. request.RedFlags, .. added], UpdatedAt = now, Version = request.Version + 1 }, cancellationToken))
            {
                LogFlagged(logger, referenceId, added.Count);
                return;
            }
        }

        LogFlagLost(logger, referenceId);
    }

    private static IReadOnlyList<string> Answer(RequestMessage earlier) => earlier.AutoReply is { } said ? [said] : [];

    private static string? DedupeKey(IncomingMessage incoming) => incoming.InputId is null
        ? null
        : incoming.Channel == Channel.Sms ? $"sms:{incoming.InputId}" : $"{incoming.ConversationKey}:{incoming.InputId}";

    [LoggerMessage(Level = LogLevel.Information, Message = "The patient of request {ReferenceId} sent a message by {Channel}; it was added to the request ({Flags} red flag(s))")]
    private static partial void LogReply(ILogger logger, string referenceId, Channel channel, int flags);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId} was flagged by red-flag rules matching a reply from the patient ({Count} new)")]
    private static partial void LogFlagged(ILogger logger, string referenceId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {ReferenceId}: a reply's red flags could not be added after repeated conflicts; the reply itself is stored with them")]
    private static partial void LogFlagLost(ILogger logger, string referenceId);
}
