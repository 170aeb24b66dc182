namespace PatientContact.Inbox.Storage;

public enum OutboxStatus { Pending, Sending, Sent, Failed, Held }

/// <summary>A text waiting to go, or gone, through the one outbound sender.</summary>
public sealed record OutboxMessage
{
    public required Guid Id { get; init; }
    /// <summary>E.164.</summary>
    public required string To { get; init; }
    /// <summary>The service's own number the text goes from (E.164); null when the sender did not say.</summary>
    public string? From { get; init; }
    public required string Body { get; init; }
    /// <summary>What it is for, without personal data (stored by its name: "otp", "confirmation", "staff-reply", ...).</summary>
    public required Messaging.TextPurpose Purpose { get; init; }
    /// <summary>Repeating a send with the same key does nothing (a retried turn, a double click).</summary>
    public string? IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public OutboxStatus Status { get; init; } = OutboxStatus.Pending;
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? ProviderMessageId { get; init; }
    public string? Error { get; init; }
    /// <summary>Seconds the text is worth delivering (one-time codes); null for no limit.</summary>
    public int? ValiditySeconds { get; init; }
}

public interface IOutboxStore
{
    /// <summary>False when a message with the same idempotency key is already there.</summary>
    Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListForRecipientAsync(string to, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the oldest pending message due at <paramref name="now"/> (or a sending one whose lease ran out),
    /// marks it Sending until <c>now + lease</c>, and returns it; null when nothing is due.
    /// </summary>
    Task<OutboxMessage?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records the outcome of a send attempt (status, attempts, next attempt, provider id, error) and the body as it is now kept (see <c>OutboxSecrets</c>).</summary>
    Task UpdateAsync(OutboxMessage message, CancellationToken cancellationToken = default);
}
