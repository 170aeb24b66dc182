using System.Security.Cryptography;
using System.Text;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Messaging;

/// <summary>What queueing a text came to.</summary>
public enum QueueResult
{
    /// <summary>In the outbox; the delivery worker sends it.</summary>
    Queued,

    /// <summary>A text with the same idempotency key was queued before; nothing more was queued.</summary>
    AlreadyQueued,

    /// <summary>The number has asked for no texts (STOP, or Twilio's 21610); nothing was queued.</summary>
    OptedOut,

    /// <summary>The text names no sender number (the sending service has none); nothing was queued.</summary>
    NoSenderNumber,
}

/// <summary>The one way any feature sends a text: the message is written to the outbox first, and a worker sends it.</summary>
public interface IOutboundSender
{
    /// <summary>
    /// Queues a text. A repeat with the same idempotency key queues nothing; a text with no sender number, or to a
    /// number that opted out, is refused here, when the caller can still tell someone, never accepted and dropped later.
    /// </summary>
    Task<QueueResult> QueueAsync(OutboundText text, CancellationToken cancellationToken = default);
}

/// <summary>A text to send. <see cref="Purpose"/> names what it is for, without personal data.</summary>
/// <param name="To">The recipient, E.164.</param>
/// <param name="ValiditySeconds">How long the text is worth delivering (one-time codes); null for no limit.</param>
/// <param name="From">The sending service's own SMS number (E.164, see <see cref="SenderNumbers"/>); a text without one is refused.</param>
/// <param name="OnRequest">When the text belongs to a submitted request (a staff text, the confirmation): it is kept in the request's messages.</param>
public sealed record OutboundText(
    string To,
    string Body,
    TextPurpose Purpose,
    string? IdempotencyKey = null,
    int? ValiditySeconds = null,
    string? From = null,
    RequestLink? OnRequest = null);

/// <summary>The request a text is on, and who wrote it (null: the service itself, such as the confirmation).</summary>
public sealed record RequestLink(string ReferenceId, string ServiceId, Channel Channel = Channel.Sms, string? Author = null);

/// <summary>
/// Writes texts to the outbox, where the delivery worker (or, in Development, a person) picks them up. A text on a
/// request is first added to the request's messages (status queued) under the same id as its outbox row, so the
/// worker and Twilio's delivery reports can say what became of it.
/// </summary>
public sealed class OutboxSender(IOutboxStore outbox, IOptOutStore optOuts, IMessageStore messages, TimeProvider time, Telemetry.PatientContactTelemetry? telemetry = null) : IOutboundSender
{
    public async Task<QueueResult> QueueAsync(OutboundText text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text.From))
        {
            return QueueResult.NoSenderNumber;
        }

        if (await optOuts.IsOptedOutAsync(text.To, cancellationToken))
        {
            return QueueResult.OptedOut;
        }

        var now = time.GetUtcNow();
        // A keyed text has an id of its own key, so a retry after a crash between the two writes finds both halves.
        var id = text.IdempotencyKey is { } key ? IdFor(key) : Guid.NewGuid();
        if (text.OnRequest is { } request)
        {
            await messages.AddAsync(
                new RequestMessage
                {
                    Id = id,
                    ReferenceId = request.ReferenceId,
                    ServiceId = request.ServiceId,
                    Direction = MessageDirection.Out,
                    Channel = request.Channel,
                    Body = text.Body,
                    CreatedAt = now,
                    Phone = text.To,
                    Status = DeliveryStatus.Queued,
                    StatusAt = now,
                    Author = request.Author,
                    Purpose = text.Purpose,
                    DedupeKey = text.IdempotencyKey is null ? null : "outbox:" + text.IdempotencyKey,
                },
                cancellationToken);
        }

        var queued = await outbox.EnqueueAsync(
            new OutboxMessage
            {
                Id = id,
                To = text.To,
                From = text.From,
                Body = text.Body,
                Purpose = text.Purpose,
                IdempotencyKey = text.IdempotencyKey,
                CreatedAt = now,
                NextAttemptAt = now,
                ValiditySeconds = text.ValiditySeconds,
            },
            cancellationToken);
        if (queued)
        {
            telemetry?.Queued(text.Purpose);
        }

        return queued ? QueueResult.Queued : QueueResult.AlreadyQueued;
    }

    /// <summary>The id a keyed text (and its message on the request) has: the same for every retry of the same text.</summary>
    public static Guid IdFor(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("outbox:" + idempotencyKey), hash);
        return new Guid(hash[..16]);
    }
}
