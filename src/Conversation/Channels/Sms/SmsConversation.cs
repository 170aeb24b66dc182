using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>A text as Twilio delivered it, once its signature has been checked.</summary>
/// <param name="MessageSid">Twilio's id for the text; a retry carries the same one.</param>
/// <param name="From">The patient's number, E.164.</param>
/// <param name="To">The service's number the patient texted, E.164.</param>
/// <param name="NumMedia">How many pictures or other attachments came with it (MMS).</param>
public sealed record InboundSms(string MessageSid, string From, string To, string? Body, int NumMedia)
{
    /// <summary>The pictures' URLs and declared types (<c>MediaUrl{n}</c>, <c>MediaContentType{n}</c>).</summary>
    public IReadOnlyList<InboundMedia> Media { get; init; } = [];
}

/// <summary>
/// The SMS channel's side of a turn: finds the service by the number texted, keys the conversation by
/// the sender, handles the opt-out keywords, and passes everything else to the conversation engine.
/// </summary>
public sealed partial class SmsConversation(
    IntakeEngine engine,
    IRuleBookProvider rules,
    IOptOutStore optOuts,
    IConversationStore conversations,
    SenderThrottle throttle,
    TimeProvider time,
    ILogger<SmsConversation> logger,
    TwilioMedia? media = null,
    IAttachmentStore? attachments = null)
{

    public const string UnknownNumber = "Sorry, this number does not take requests. If you need help now, call 111 or go to 111.nhs.uk. In an emergency, call 999.";

    public const string TryAgain = "Sorry, we could not take that message just now. Please send it again.";

    /// <summary>The engine's conversation key for a patient's number at a service.</summary>
    public static string ConversationKey(string serviceId, string from) => $"sms:{serviceId}:{from}";

    /// <summary>The reply to send, or null to send nothing (an opt-out, or a number that has opted out).</summary>
    public async Task<SmsReplyText?> HandleAsync(InboundSms sms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var keyword = SmsKeywords.Classify(sms.Body);
        var service = rules.Current.FindServiceBySmsNumber(sms.To);
        if (service is null)
        {
            LogUnknownNumber(logger);
            return keyword == SmsKeyword.OptOut || await optOuts.IsOptedOutAsync(sms.From, cancellationToken)
                ? null
                : SmsReplyComposer.Best(UnknownNumber);
        }

        var text = sms.Body;
        switch (keyword)
        {
            case SmsKeyword.OptOut:
                await optOuts.SetAsync(sms.From, optedOut: true, time.GetUtcNow(), cancellationToken);
                await DiscardConversationsAsync(sms.From, cancellationToken);
                LogOptedOut(logger, service.Id);
                // Twilio confirms the opt-out to the patient itself; anything from us would be one text too many.
                return null;

            case SmsKeyword.OptIn:
            case SmsKeyword.OptInWhenOptedOut when await optOuts.IsOptedOutAsync(sms.From, cancellationToken):
                await optOuts.SetAsync(sms.From, optedOut: false, time.GetUtcNow(), cancellationToken);
                LogOptedIn(logger, service.Id);
                // No answer to read: the engine starts a conversation, or asks the current question again.
                text = null;
                break;

            default:
                if (await optOuts.IsOptedOutAsync(sms.From, cancellationToken))
                {
                    LogIgnoredOptedOut(logger, service.Id);
                    return null;
                }

                break;
        }

        var check = await throttle.CheckAsync(service.Id, sms.From, cancellationToken);
        switch (check.Result)
        {
            case SenderThrottleResult.Tell:
                return SmsReplyComposer.Best(SenderThrottle.SlowDown);
            case SenderThrottleResult.Quiet:
                return null;
        }

        var key = ConversationKey(service.Id, sms.From);
        var fetched = media is not null && sms.Media.Count > 0
            ? await media.FetchAsync(key, sms.MessageSid, sms.Media, cancellationToken)
            : new FetchedMedia([], []);
        string[] notices = [];
        TurnResult result;
        try
        {
            result = await engine.HandleAsync(
                new TurnInput(key, service.Id, Channel.Sms, sms.MessageSid, text ?? (sms.NumMedia > 0 ? string.Empty : null), sms.From, Attachments: sms.NumMedia,
                    Photos: fetched.Photos.Count > 0 ? fetched.Photos : null, Counted: check.Count),
                cancellationToken);
            // Kept (or refused) and the turn stored: Twilio's copy goes.
            if (media is not null)
            {
                await media.DeleteAsync(fetched.ToDelete, cancellationToken);
            }
        }
        catch (ConversationBusyException)
        {
            LogBusy(logger, service.Id);
            return SmsReplyComposer.Best(TryAgain);
        }

        if (result.Replies.Count == 0 && notices.Length == 0)
        {
            // Added to the patient's request, acknowledged within the hour already: nothing to send.
            return null;
        }

        var reply = SmsReplyComposer.Compose(notices, result.Replies);
        if (reply.OverBudget)
        {
            LogOverBudget(logger, service.Id, result.Step.ToId(), reply.Segments);
        }

        return reply;
    }

    /// <summary>STOP discards the number's unsubmitted conversations with every service (a submitted request stays).</summary>
    private async Task DiscardConversationsAsync(string from, CancellationToken ct)
    {
        foreach (var service in rules.Current.Services)
        {
            var key = ConversationKey(service.Id, from);
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var record = await conversations.GetAsync(key, ct);
                if (record is null || await conversations.TryDeleteAsync(key, record.Version, ct))
                {
                    // The photos of an unsubmitted conversation go with it.
                    if (record is not null && attachments is not null && IntakeEngine.UnsubmittedPhotos(record) is { Count: > 0 } photos)
                    {
                        await attachments.DeleteAsync(photos, ct);
                    }

                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A text came to a number no service uses; check the numbers in services.json against Twilio")]
    private static partial void LogUnknownNumber(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A patient opted out by text to service {ServiceId}; their unsubmitted conversation was discarded")]
    private static partial void LogOptedOut(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A patient opted back in by text to service {ServiceId}")]
    private static partial void LogOptedIn(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A text to service {ServiceId} from a number that opted out was not answered")]
    private static partial void LogIgnoredOptedOut(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A text to service {ServiceId} found its conversation busy; the patient was asked to send it again")]
    private static partial void LogBusy(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS reply at step {Step} for service {ServiceId} takes {Segments} segments: its question alone is over the budget")]
    private static partial void LogOverBudget(ILogger logger, string serviceId, string step, int segments);
}
