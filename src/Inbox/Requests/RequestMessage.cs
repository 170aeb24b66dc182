namespace PatientContact.Inbox.Requests;

/// <summary>Which way a message on a request went.</summary>
public enum MessageDirection
{
    /// <summary>From the patient, after they submitted the request.</summary>
    In,

    /// <summary>A text the service sent the patient (a member of staff's, or the confirmation).</summary>
    Out,
}

/// <summary>What became of an outbound text, in the order of its meaning: queued, then sent, then one of the final four.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting in the outbox, or taken by Twilio and not yet handed to the network.</summary>
    Queued,

    /// <summary>Handed to the mobile network.</summary>
    Sent,

    /// <summary>The network says the phone has it.</summary>
    Delivered,

    /// <summary>The network could not deliver it (phone off for too long, number not in service, ...).</summary>
    Undelivered,

    /// <summary>Not sent: refused by Twilio, or given up on.</summary>
    Failed,

    /// <summary>Not sent because the number has asked for no texts from this number (Twilio error 21610, or STOP).</summary>
    OptedOut,
}

/// <summary>
/// A message on a submitted request: a text the service sent the patient, or what the patient sent after
/// submitting (a reply by text, or a message typed in the same web chat). Kept apart from the request
/// itself, so delivery reports and replies never race staff's changes to the request.
/// </summary>
public sealed record RequestMessage
{
    public required Guid Id { get; init; }
    public required string ReferenceId { get; init; }
    public required string ServiceId { get; init; }
    public required MessageDirection Direction { get; init; }
    public required Channel Channel { get; init; }
    public required string Body { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The patient's number (E.164) the text went to or came from; null for web chat.</summary>
    public string? Phone { get; init; }

    /// <summary>Outbound texts only: what became of it.</summary>
    public DeliveryStatus? Status { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? StatusAt { get; init; }

    /// <summary>Why a text was not delivered, as staff read it (Twilio's error code, or the outbox's reason).</summary>
    public string? Error { get; init; }

    /// <summary>The member of staff who wrote an outbound text; null for the patient's messages and the service's own texts.</summary>
    public string? Author { get; init; }

    /// <summary>Outbound texts: what the text is for (<c>staff-reply</c>, <c>confirmation</c>); null for inbound messages.</summary>
    public Messaging.TextPurpose? Purpose { get; init; }

    /// <summary>Twilio's message SID: for an outbound text once Twilio has taken it, for an inbound text its <c>MessageSid</c>.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>
    /// What makes a retried delivery of the same message recognisable (Twilio's MessageSid, a Direct Line
    /// activity id, the outbox's idempotency key): a second message with the same key is never stored.
    /// </summary>
    public string? DedupeKey { get; init; }

    /// <summary>Inbound: when a member of staff first opened the request after it came; null while unread.</summary>
    public DateTimeOffset? SeenAt { get; init; }

    /// <summary>Inbound: what the service answered at once (the acknowledgement, urgent advice); null when it said nothing.</summary>
    public string? AutoReply { get; init; }

    /// <summary>Inbound: whether <see cref="AutoReply"/> included the acknowledgement (sent at most once an hour per request).</summary>
    public bool Acknowledged { get; init; }

    /// <summary>Inbound: the red-flag rules the message matched (their ids), so staff see why the request was flagged.</summary>
    public IReadOnlyList<string> RedFlagIds { get; init; } = [];
}
