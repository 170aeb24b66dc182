using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Messaging;

/// <summary>The one way any feature sends a text: the message is written to the outbox first, and a worker sends it.</summary>
public interface IOutboundSender
{
    /// <summary>
    /// Queues a text. A repeat with the same <paramref name="idempotencyKey"/> queues nothing.
    /// Returns false when nothing was queued (a repeat, or the number has opted out).
    /// </summary>
    Task<bool> QueueAsync(OutboundText text, CancellationToken cancellationToken = default);
}

/// <summary>A text to send. <see cref="Purpose"/> names what it is for, without personal data.</summary>
/// <param name="To">The recipient, E.164.</param>
/// <param name="ValiditySeconds">How long the text is worth delivering (one-time codes); null for no limit.</param>
/// <param name="From">The service's own SMS number (E.164) the text goes from; a text without one is not sent.</param>
public sealed record OutboundText(string To, string Body, string Purpose, string? IdempotencyKey = null, int? ValiditySeconds = null, string? From = null);

/// <summary>Writes texts to the outbox, where the delivery worker (or, in Development, a person) picks them up.</summary>
public sealed class OutboxSender(IOutboxStore outbox, IOptOutStore optOuts, TimeProvider time) : IOutboundSender
{
    public async Task<bool> QueueAsync(OutboundText text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (await optOuts.IsOptedOutAsync(text.To, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        return await outbox.EnqueueAsync(
            new OutboxMessage
            {
                Id = Guid.NewGuid(),
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
    }
}
