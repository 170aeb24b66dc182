using System.Globalization;
using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Messaging;

/// <summary>
/// What became of each text on a request, from the delivery worker (Twilio took it, or refused it) and from
/// Twilio's status callbacks. Statuses only move forward in their meaning: queued, then sent, then delivered,
/// undelivered, failed or opted-out, which are final; a report that arrives late or twice changes nothing.
/// Twilio's error 21610 (the number texted STOP to the service) is recorded as opted-out, and as an opt-out of
/// the number, so no further text is queued for it.
/// </summary>
public sealed partial class DeliveryReports(IMessageStore messages, IOptOutStore optOuts, TimeProvider time, ILogger<DeliveryReports> logger)
{
    /// <summary>Twilio: "Attempt to send to unsubscribed recipient".</summary>
    public const int UnsubscribedError = 21610;

    private static readonly DeliveryStatus[] FromQueued = [DeliveryStatus.Queued];
    private static readonly DeliveryStatus[] NotYetFinal = [DeliveryStatus.Queued, DeliveryStatus.Sent];

    /// <summary>Twilio took the text (201): it stays queued until Twilio reports more; its SID is kept.</summary>
    public Task TakenAsync(Guid id, string? sid, CancellationToken cancellationToken = default) =>
        messages.TryUpdateStatusAsync(id, DeliveryStatus.Queued, FromQueued, time.GetUtcNow(), sid, null, cancellationToken);

    /// <summary>The text will not go: refused by Twilio (with its error code), given up on, or not sendable.</summary>
    public async Task NotSentAsync(OutboxMessage text, int? errorCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var status = errorCode == UnsubscribedError || reason.Contains("opted out", StringComparison.Ordinal) ? DeliveryStatus.OptedOut : DeliveryStatus.Failed;
        if (errorCode == UnsubscribedError)
        {
            await optOuts.SetAsync(text.To, optedOut: true, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        await messages.TryUpdateStatusAsync(text.Id, status, NotYetFinal, time.GetUtcNow(), null, errorCode is { } code ? Describe(code) : reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies one of Twilio's status callbacks. <paramref name="id"/> is the outbox id the callback address carries
    /// (so a report that overtakes the worker's own record of Twilio's answer still finds its text); without one
    /// the text is found by its SID. Returns what the text's status now is, or null when it is not a text on a request.
    /// </summary>
    public async Task<DeliveryStatus?> ApplyAsync(Guid? id, string sid, string messageStatus, int? errorCode, string? to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sid);
        ArgumentNullException.ThrowIfNull(messageStatus);
        if (errorCode == UnsubscribedError && to is not null)
        {
            await optOuts.SetAsync(to, optedOut: true, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var message = id is { } known ? await messages.GetAsync(known, cancellationToken).ConfigureAwait(false) : null;
        message ??= await messages.FindByProviderIdAsync(sid, cancellationToken).ConfigureAwait(false);
        if (message is null || message.Direction != MessageDirection.Out)
        {
            LogNotOnARequest(logger, messageStatus);
            return null;
        }

        if (message.ProviderMessageId is { } stored && !string.Equals(stored, sid, StringComparison.Ordinal))
        {
            // The address and the SID disagree: not a report about this text.
            LogMismatch(logger, message.ReferenceId);
            return message.Status;
        }

        var status = errorCode == UnsubscribedError ? DeliveryStatus.OptedOut : Parse(messageStatus);
        if (status is { } next && MayFollow(next) is { Length: > 0 } from
            && await messages.TryUpdateStatusAsync(message.Id, next, from, time.GetUtcNow(), sid, errorCode is { } code ? Describe(code) : null, cancellationToken).ConfigureAwait(false))
        {
            LogStatus(logger, message.ReferenceId, next);
            return next;
        }

        // Earlier in meaning than what is stored (a late "sent" after "delivered"), a repeat, or a status with no meaning here.
        return (await messages.GetAsync(message.Id, cancellationToken).ConfigureAwait(false))?.Status;
    }

    /// <summary>Twilio's <c>MessageStatus</c> as a status of ours; null for one that says nothing new (accepted, queued, sending, ...).</summary>
    public static DeliveryStatus? Parse(string messageStatus) => messageStatus.Trim().ToLowerInvariant() switch
    {
        "sent" => DeliveryStatus.Sent,
        "delivered" or "read" => DeliveryStatus.Delivered,
        "undelivered" => DeliveryStatus.Undelivered,
        "failed" or "canceled" => DeliveryStatus.Failed,
        _ => null,
    };

    /// <summary>The statuses a text may be in for <paramref name="status"/> to replace it.</summary>
    public static DeliveryStatus[] MayFollow(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => [],
        DeliveryStatus.Sent => FromQueued,
        _ => NotYetFinal,
    };

    /// <summary>Twilio's error codes as staff read them.</summary>
    public static string Describe(int errorCode) => errorCode switch
    {
        UnsubscribedError => "the number has asked for no texts from this number (Twilio error 21610)",
        21211 or 21614 => string.Create(CultureInfo.InvariantCulture, $"not a number that can get texts (Twilio error {errorCode})"),
        30003 => "the phone could not be reached: it may be off or out of signal (Twilio error 30003)",
        30005 => "the number is unknown or no longer in use (Twilio error 30005)",
        30006 => "a landline, or a network that cannot take texts (Twilio error 30006)",
        30007 => "the network filtered the text out (Twilio error 30007)",
        _ => string.Create(CultureInfo.InvariantCulture, $"Twilio error {errorCode}"),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "A text on request {ReferenceId} is now {Status}")]
    private static partial void LogStatus(ILogger logger, string referenceId, DeliveryStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A delivery report ({MessageStatus}) was for a text on no request (a code, a link); nothing to record")]
    private static partial void LogNotOnARequest(ILogger logger, string messageStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivery report's address named a text on request {ReferenceId} with another SID; it was not applied")]
    private static partial void LogMismatch(ILogger logger, string referenceId);
}
