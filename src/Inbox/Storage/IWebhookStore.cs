namespace PatientContact.Inbox.Storage;

public enum WebhookStatus { Pending, Sending, Delivered, Failed }

/// <summary>
/// One request to be posted to its service's FHIR webhook. It holds no copy of the request: the bundle is made
/// from the stored request at each attempt, so a delivery carries the request as it is then (its NHS number once
/// matched).
/// </summary>
public sealed record WebhookDelivery
{
    /// <summary><c>{serviceId}:{referenceId}</c>: one delivery per request.</summary>
    public required string Id { get; init; }
    public required string ServiceId { get; init; }
    public required string ReferenceId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public WebhookStatus Status { get; init; } = WebhookStatus.Pending;
    /// <summary>Posts tried so far.</summary>
    public int Attempts { get; init; }
    /// <summary>When it is next due; while <see cref="WebhookStatus.Sending"/>, when the sender's lease ends.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    /// <summary>Why the last attempt failed, without personal data: <c>HTTP 503</c>, <c>timed out</c>, ...</summary>
    public string? Error { get; init; }

    public static string IdFor(string serviceId, string referenceId) => $"{serviceId}:{referenceId}";
}

/// <summary>The FHIR webhook's durable queue: deliveries wait here across restarts until the receiver takes them or they are given up.</summary>
public interface IWebhookStore
{
    /// <summary>Adds the delivery; false (and nothing changed) when one with the same id is there already.</summary>
    Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    Task<WebhookDelivery?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the oldest pending delivery due at <paramref name="now"/> (or a sending one whose lease ran out),
    /// marks it Sending until <c>now + lease</c>, and returns it; null when nothing is due.
    /// </summary>
    Task<WebhookDelivery?> ClaimNextDueAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records the outcome of an attempt: status, attempts, next attempt, delivery time and error.</summary>
    Task UpdateAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);
}
