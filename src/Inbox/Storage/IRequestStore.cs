using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage;

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
    MatchReason? MatchReason,
    Urgency Urgency,
    DateTimeOffset? FirstActionAt);

public sealed record RequestPage(IReadOnlyList<ContactRequest> Items, long Total, int Page, int PageSize);

/// <summary>Submitted requests. Nothing added here is deleted but by the retention policy, once a request is closed and its period is over (<see cref="IRetentionStore"/>).</summary>
public interface IRequestStore
{
    /// <summary>Adds the request; a request with the same reference ID already there gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default);

    Task<ContactRequest?> GetAsync(string referenceId, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default);

    /// <summary>Replaces the request when the stored version is <c>request.Version - 1</c>; false when someone else changed it first.</summary>
    Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="TryUpdateAsync(ContactRequest, CancellationToken)"/>, with the change's audit line in the same
    /// write: a change that is stored is audited, and a refused or failed one writes no audit line.
    /// </summary>
    Task<bool> TryUpdateAsync(ContactRequest request, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>How many requests a service received since a moment (daily capacity).</summary>
    Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// The service's most recent request whose contact number is <paramref name="phone"/> (E.164), received at or
    /// after <paramref name="since"/>; null when there is none. A text from that number may be a reply to it.
    /// </summary>
    Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Requests still unmatched for <paramref name="reason"/>, oldest first (background re-matching).</summary>
    Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(MatchReason reason, int limit, CancellationToken cancellationToken = default);

    /// <summary>What the reports need of each request these services received from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
