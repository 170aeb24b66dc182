using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage;

/// <summary>
/// One persisted conversation. <see cref="Data"/> is the conversation engine's own JSON; the store
/// only keeps it. <see cref="Version"/> is the version this record would have once written.
/// </summary>
public sealed record ConversationRecord(
    string Key,
    string ServiceId,
    string State,
    string Data,
    long Version,
    DateTimeOffset UpdatedAt);

/// <summary>Conversations in progress, with optimistic concurrency on <see cref="ConversationRecord.Version"/>.</summary>
public interface IConversationStore
{
    Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the record when it is the next version: version 1 only if no record has the key,
    /// version n only if the stored one is n-1. Returns false when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default);

    /// <summary>Conversations last written before <paramref name="cutoff"/>, oldest first.</summary>
    Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record if it is still at <paramref name="version"/>.</summary>
    Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default);
}

public enum AddResult { Added, AlreadyExists }

/// <summary>Filters of the staff inbox list; null means "any".</summary>
public sealed record RequestQuery
{
    /// <summary>The services the reader may see; an empty list sees nothing.</summary>
    public required IReadOnlyCollection<string> ServiceIds { get; init; }
    public RequestStatus? Status { get; init; }
    public bool? Matched { get; init; }
    public string? RequestTypeId { get; init; }
    public bool? RedFlagged { get; init; }
    /// <summary>Only requests that came in this way.</summary>
    public Channel? Channel { get; init; }
    /// <summary>A reference ID (exact, any case) or part of the patient's first or last name.</summary>
    public string? Search { get; init; }
    /// <summary>True: only requests assigned to nobody.</summary>
    public bool Unassigned { get; init; }
    /// <summary>Only requests assigned to this person (their email as stored on the request).</summary>
    public string? AssignedTo { get; init; }
    /// <summary>True: only requests with an emergency red flag that no member of staff has opened yet (the alert banner).</summary>
    public bool AwaitingFirstOpening { get; init; }
    public RequestSort Sort { get; init; } = RequestSort.Newest;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
}

/// <summary>The order of the inbox list.</summary>
public enum RequestSort
{
    /// <summary>Newest first (the default).</summary>
    Newest,
    /// <summary>Emergency red flags, then urgent, then the rest; oldest first within each.</summary>
    Urgency,
    /// <summary>Requests nobody has acted on first, oldest (longest waiting) first; then the rest in the order they were first acted on.</summary>
    Waiting,
}

/// <summary>What the reports count about one request: no name, no contact details, no free text.</summary>
public sealed record RequestFacts(
    string ServiceId,
    DateTimeOffset CreatedAt,
    Channel Channel,
    string RequestTypeId,
    string RequestType,
    bool Matched,
    string? MatchReason,
    Urgency Urgency,
    DateTimeOffset? FirstActionAt);

public sealed record RequestPage(IReadOnlyList<ContactRequest> Items, long Total, int Page, int PageSize);

/// <summary>Submitted requests. Nothing added here is ever deleted by the application.</summary>
public interface IRequestStore
{
    /// <summary>Adds the request; a request with the same reference ID already there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default);

    Task<ContactRequest?> GetAsync(string referenceId, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default);

    /// <summary>Replaces the request when the stored version is <c>request.Version - 1</c>; false when someone else changed it first.</summary>
    Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default);

    /// <summary>How many requests a service received since a moment (daily capacity).</summary>
    Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// The service's most recent request whose contact number is <paramref name="phone"/> (E.164), received at or
    /// after <paramref name="since"/>; null when there is none. A text from that number may be a reply to it.
    /// </summary>
    Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Requests still unmatched for <paramref name="reason"/>, oldest first (background re-matching).</summary>
    Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(string reason, int limit, CancellationToken cancellationToken = default);

    /// <summary>What the reports need of each request these services received from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

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
    /// <summary>What it is for, without personal data: "otp", "confirmation", "staff-reply", ...</summary>
    public required string Purpose { get; init; }
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

/// <summary>One line of the append-only audit trail. Detail never holds patient data beyond what the action needs.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    string? ServiceId,
    string? ReferenceId,
    string? Detail);

public sealed record AuditQuery
{
    public string? ServiceId { get; init; }
    public string? ReferenceId { get; init; }
    public string? Actor { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Limit { get; init; } = 200;
}

/// <summary>Append-only: there is no update or delete.</summary>
public interface IAuditStore
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Counts kept for reporting, never with personal data (emergencies signposted, advice shown, ...).</summary>
public interface IUsageCounterStore
{
    Task IncrementAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default);

    Task<long> GetAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Every counter of these services from <paramref name="from"/> to <paramref name="to"/> (both days included) that has been incremented.</summary>
    Task<IReadOnlyList<UsageCount>> ListAsync(IReadOnlyCollection<string> serviceIds, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}

/// <summary>One counter's value for one service and day.</summary>
public sealed record UsageCount(string ServiceId, string Counter, DateOnly Day, long Value);

/// <summary>Numbers that sent STOP; no text goes to them until they send START.</summary>
public interface IOptOutStore
{
    Task SetAsync(string phone, bool optedOut, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<bool> IsOptedOutAsync(string phone, CancellationToken cancellationToken = default);
}

/// <summary>Answers whether the store can be reached, for /health/ready.</summary>
public interface IStoreHealth
{
    Task<(bool Healthy, string? Reason)> CheckAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// What one web chat turn added to a Direct Line conversation's stream: the patient's own activity
/// (echoed back) and the service's replies, stored as one batch so a turn appears whole or not at all.
/// <see cref="Sequence"/> numbers batches 1, 2, 3... per conversation and is the Direct Line watermark.
/// </summary>
public sealed record ActivityBatch(
    string ConversationId,
    long Sequence,
    string? ClientActivityId,
    IReadOnlyList<string> Activities,
    DateTimeOffset At);

/// <summary>Direct Line activity streams, kept in the store so polling and reconnects work after a restart and on any host.</summary>
public interface IActivityStore
{
    /// <summary>
    /// Appends a batch numbered after the conversation's last one and returns it. When a batch with the
    /// same non-null <paramref name="clientActivityId"/> is already there (a retried post), nothing is
    /// added and that earlier batch is returned.
    /// </summary>
    Task<ActivityBatch> AppendAsync(string conversationId, string? clientActivityId, IReadOnlyList<string> activities, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Batches with a sequence above <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<ActivityBatch>> ListAfterAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes whole conversations whose last batch is older than <paramref name="cutoff"/>; returns how many batches went.</summary>
    Task<int> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>How much one conversation's stream holds: its batches and the UTF-8 bytes of their activities. Zeros when it does not exist.</summary>
    Task<ActivityUsage> UsageAsync(string conversationId, CancellationToken cancellationToken = default);
}

/// <summary>The size of one conversation's stream, which the web chat channel caps.</summary>
public sealed record ActivityUsage(long Batches, long Bytes);

/// <summary>Links staff texted to patients (the "sent links" list), with optimistic concurrency on <see cref="SentLink.Version"/>.</summary>
public interface ISentLinkStore
{
    /// <summary>Adds the link; one with the same id or token hash already there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(SentLink link, CancellationToken cancellationToken = default);

    Task<SentLink?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The follow-up link whose token hashes to <paramref name="tokenHash"/>; null when there is none.</summary>
    Task<SentLink?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Links sent for any of these services, newest first.</summary>
    Task<IReadOnlyList<SentLink>> ListForServicesAsync(IReadOnlyCollection<string> serviceIds, int limit, CancellationToken cancellationToken = default);

    /// <summary>Replaces the link when the stored version is <c>link.Version - 1</c>; false when someone else changed it first.</summary>
    Task<bool> TryUpdateAsync(SentLink link, CancellationToken cancellationToken = default);
}
