using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>The stream a poll or a socket gets: the activities after a watermark, and the new watermark.</summary>
/// <param name="More">More batches are stored than one answer holds.</param>
public sealed record ActivityPage(IReadOnlyList<string> Activities, long Watermark, bool More);

/// <summary>What happened to a posted activity.</summary>
/// <param name="Found">False when the conversation does not exist (never opened, or ended and removed).</param>
/// <param name="Id">The id of the patient's echoed activity, which Direct Line answers a post with.</param>
/// <param name="Full">The conversation holds as many turns or bytes as one may; nothing was run or stored.</param>
public sealed record PostOutcome(bool Found, string? Id, bool Full = false);

/// <summary>
/// The web chat channel over the conversation engine: a Direct Line conversation is an engine
/// conversation keyed <c>webchat:{id}</c>, and each turn (the patient's activity echoed back and the
/// service's replies) is stored as one batch whose number is the watermark.
/// </summary>
public sealed partial class WebChatConversations(
    IntakeEngine engine,
    IActivityStore activities,
    IRuleBookProvider rules,
    ActivitySignals signals,
    IOptions<WebChatOptions> options,
    TimeProvider time,
    ILogger<WebChatConversations> logger)
{
    /// <summary>Batches in one answer to a poll or one push.</summary>
    public const int BatchesPerPage = 50;

    /// <summary>The store's client id of the opening batch; patients' ids are prefixed, so they never meet it.</summary>
    private const string OpeningId = "open";

    public const string AttachmentsNotice = "We can't take photos or files here, so we have not kept yours. Please write what you need to tell us.";

    // Turn and batch are written under one lock, so batches are stored in the order the turns ran.
    private readonly ConversationLocks _locks = new();

    public static string ConversationKey(string conversationId) => "webchat:" + conversationId;

    /// <summary>
    /// Opens the token's conversation: the first call runs the engine's opening turn (the welcome and
    /// first question, or the closed message) and stores it as batch 1; later calls find it.
    /// Returns true when this call opened it. Throws <see cref="UnknownServiceException"/>.
    /// </summary>
    public async Task<bool> OpenAsync(DirectLineToken token, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        using var held = await _locks.AcquireAsync(token.ConversationId, cancellationToken);
        if (await ExistsAsync(token.ConversationId, cancellationToken))
        {
            return false;
        }

        var service = rules.Current.FindService(token.ServiceId) ?? throw new UnknownServiceException(token.ServiceId);
        var turn = await engine.HandleAsync(
            new TurnInput(ConversationKey(token.ConversationId), service.Id, Channel.WebChat, OpeningId, null, null, clientAddress, token.FollowUpLinkId),
            cancellationToken);
        var now = time.GetUtcNow();
        var replies = DirectLineActivities.Replies(turn.Replies, token.ConversationId, service.Id, service.Name, token.UserId, replyToId: null, now);
        signals.Notify(await activities.AppendAsync(token.ConversationId, OpeningId, replies, now, cancellationToken));
        LogOpened(logger, service.Id, turn.Step.ToId());
        return true;
    }

    /// <summary>
    /// Runs one turn for a posted message and stores it as one batch. A repeat of a client activity id
    /// changes nothing and is answered with the id it got the first time. Activities other than
    /// messages (typing) are acknowledged and not stored.
    /// </summary>
    public async Task<PostOutcome> PostAsync(DirectLineToken token, IncomingActivity activity, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(activity);
        var conversationId = token.ConversationId;
        using var held = await _locks.AcquireAsync(conversationId, cancellationToken);
        var service = rules.Current.FindService(token.ServiceId);
        if (service is null)
        {
            return new PostOutcome(false, null);
        }

        if (!activity.IsMessage)
        {
            return await ExistsAsync(conversationId, cancellationToken)
                ? new PostOutcome(true, DirectLineActivities.NewActivityId(conversationId))
                : new PostOutcome(false, null);
        }

        // Checked before the turn runs: a turn refused here changes nothing in the conversation.
        var usage = await activities.UsageAsync(conversationId, cancellationToken);
        if (usage.Batches == 0)
        {
            return new PostOutcome(false, null);
        }

        if (usage.Batches >= options.Value.MaxTurnsPerConversation || usage.Bytes >= options.Value.MaxBytesPerConversation)
        {
            LogFull(logger, service.Id, usage.Batches, usage.Bytes);
            return new PostOutcome(true, null, Full: true);
        }

        var storeId = activity.ClientActivityId is { } clientId ? "c:" + clientId : null;
        var inputId = storeId ?? "s:" + DirectLineTokens.NewId(12);
        var key = ConversationKey(conversationId);
        var text = (activity.HasAttachments || activity.Files.Count > 0) && string.IsNullOrWhiteSpace(activity.Text) ? null : activity.Text ?? string.Empty;
        // Each uploaded file is checked here (type from the bytes, size, whole decode, metadata removed); the engine keeps
        // the clean ones at the photos step, or says why not.
        IncomingPhoto[] photos = [.. activity.Files.Select((file, i) => new IncomingPhoto(
            IncomingPhoto.IdFor(key, inputId, i),
            file is null ? PhotoCheckResult.Refused(PhotoCheck.TooBig) : PhotoCheck.Inspect(file)))];
        var turn = await engine.HandleAsync(
            new TurnInput(key, service.Id, Channel.WebChat, inputId, text, null, clientAddress, token.FollowUpLinkId, Photos: photos.Length > 0 ? photos : null),
            cancellationToken);

        var now = time.GetUtcNow();
        var echoId = DirectLineActivities.NewActivityId(conversationId);
        byte[][] thumbnails = [.. photos.Where(p => p.Check.Photo is not null).Take(PhotoCheck.MaxPhotos).Select(p => PhotoCheck.Thumbnail(p.Check.Photo!))];
        var batch = new List<string> { DirectLineActivities.Echo(echoId, activity, conversationId, token.UserId, now, thumbnails) };
        if (activity.HasAttachments && activity.Files.Count == 0 && turn.Replies.Count > 0)
        {
            batch.Add(DirectLineActivities.Notice(AttachmentsNotice, turn.Replies[0].Step, conversationId, service.Id, service.Name, token.UserId, echoId, now));
        }

        batch.AddRange(DirectLineActivities.Replies(turn.Replies, conversationId, service.Id, service.Name, token.UserId, echoId, now));
        var stored = await activities.AppendAsync(conversationId, storeId, batch, now, cancellationToken);
        signals.Notify(stored);
        var storedId = DirectLineActivities.IdOf(stored.Activities[0]);
        if (storedId != echoId)
        {
            LogRepeated(logger, service.Id);
        }

        return new PostOutcome(true, storedId);
    }

    /// <summary>
    /// The activities stored after <paramref name="watermark"/>; null when the conversation does not exist.
    /// Store faults are thrown: the caller decides what a client sees.
    /// </summary>
    public async Task<ActivityPage?> ReadAsync(string conversationId, long watermark, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(watermark);
        // Reading from the batch at the watermark itself tells "nothing new" from "no such conversation"
        // in one query: a conversation always has its opening batch, and batches are never removed singly.
        var from = Math.Max(0, watermark - 1);
        var batches = await activities.ListAfterAsync(conversationId, from, BatchesPerPage + 2, cancellationToken);
        if (batches.Count == 0)
        {
            return null;
        }

        var fresh = batches.Where(b => b.Sequence > watermark).ToList();
        var more = fresh.Count > BatchesPerPage;
        if (more)
        {
            fresh = fresh[..BatchesPerPage];
        }

        return new ActivityPage([.. fresh.SelectMany(b => b.Activities)], fresh.Count > 0 ? fresh[^1].Sequence : watermark, more);
    }

    /// <summary>True when the conversation was opened and has not been removed.</summary>
    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken) =>
        (await activities.ListAfterAsync(conversationId, 0, 1, cancellationToken)).Count > 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Web chat conversation opened for service {ServiceId} at step {Step}")]
    private static partial void LogOpened(ILogger logger, string serviceId, string step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A web chat conversation for service {ServiceId} is full ({Batches} turns, {Bytes} bytes); a post was refused")]
    private static partial void LogFull(ILogger logger, string serviceId, long batches, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "A repeated web chat activity for service {ServiceId} was answered as before and not applied again")]
    private static partial void LogRepeated(ILogger logger, string serviceId);
}
