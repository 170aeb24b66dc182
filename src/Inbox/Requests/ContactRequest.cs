using System.Text.Json.Serialization;

namespace PatientContact.Inbox.Requests;

/// <summary>A submitted patient request as the staff inbox sees it; the patient was given its reference ID.</summary>
public sealed record ContactRequest
{
    public required string ReferenceId { get; init; }
    public required string ServiceId { get; init; }
    public RequestStatus Status { get; init; } = RequestStatus.New;
    public required string RequestTypeId { get; init; }
    public required string RequestType { get; init; }
    public required string Details { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public required PatientDetails Patient { get; init; }
    public required Submitter SubmittedBy { get; init; }
    public required ContactDetails Contact { get; init; }
    public MatchResult Match { get; init; } = MatchResult.Pending;
    public IReadOnlyList<RedFlagHit> RedFlags { get; init; } = [];
    public required Channel Channel { get; init; }
    /// <summary>The conversation that submitted it: lets a retried submission recognise its own request.</summary>
    public required string ConversationKey { get; init; }
    public string? AssignedTo { get; init; }
    public IReadOnlyList<StaffNote> Notes { get; init; } = [];
    /// <summary>Photos the patient added (SPEC section 13); their bytes are in the attachment store under these ids.</summary>
    public IReadOnlyList<RequestAttachment> Attachments { get; init; } = [];
    /// <summary>Set when the patient came through a personal follow-up (PIFU) link.</summary>
    public FollowUpTag? FollowUp { get; init; }
    /// <summary>
    /// When a member of staff first did something with the request (assigned it, changed its status, added a
    /// note, texted the patient, matched it or asked for matching again); null while it waits. Looking at it
    /// does not count.
    /// </summary>
    public DateTimeOffset? FirstActionAt { get; init; }
    /// <summary>Who first opened the request's page, and when; an emergency request's alert stays up until then.</summary>
    public FirstOpening? FirstOpened { get; init; }
    /// <summary>Set when a member of staff entered the request for the patient (channel <see cref="Channel.Staff"/>).</summary>
    public StaffEntry? EnteredBy { get; init; }
    /// <summary>Optimistic concurrency: bumped by every staff change.</summary>
    public long Version { get; init; } = 1;
}

public enum RequestStatus { New, InProgress, Done }

/// <summary>How a request came in. New values go at the end: stores keep the names, never the numbers.</summary>
public enum Channel { WebChat, Sms, Terminal, Form, Staff }

public enum SubmitterKind { Self, Proxy }

public enum Gender { Female, Male, Other, PreferNotToSay }

public enum ContactPreference { Text, Phone }

public enum MatchStatus { Matched, Unmatched }

public sealed record PatientDetails(string FirstName, string LastName, DateOnly DateOfBirth, Gender Gender, string Postcode);

/// <summary>
/// How someone sending a request for another person knows them. Stored (in the session, SQLite and MongoDB) as its
/// words, "parent or guardian" and so on, which are also how it reads (<see cref="Labels.Label(Relationship)"/>).
/// </summary>
public enum Relationship
{
    [JsonStringEnumMemberName("parent or guardian")]
    ParentOrGuardian,

    [JsonStringEnumMemberName("carer")]
    Carer,

    [JsonStringEnumMemberName("family member")]
    FamilyMember,

    [JsonStringEnumMemberName("friend")]
    Friend,

    [JsonStringEnumMemberName("care professional")]
    CareProfessional,

    [JsonStringEnumMemberName("other")]
    Other,
}

public sealed record Submitter(SubmitterKind Kind, string? Name, Relationship? Relationship);

/// <summary>Phone is E.164; Verified means the patient showed they hold that mobile (code or SMS channel).</summary>
public sealed record ContactDetails(string Phone, bool Verified, ContactPreference Preference);

/// <param name="Reason">Why it is unmatched, or how it was matched when not by the service (staff); null for a match by PDS.</param>
public sealed record MatchResult(MatchStatus Status, MatchReason? Reason, string? NhsNumber)
{
    /// <summary>Stored before the first matching attempt has finished.</summary>
    public static MatchResult Pending { get; } = new(MatchStatus.Unmatched, MatchReason.NotYetChecked, null);
}

/// <summary>
/// Why a request is unmatched (or that staff matched it). Stored (SQLite, MongoDB), shown to staff, given by the API
/// and used as the metrics' <c>reason</c> tag by its words, the words it was kept as before it was an enum
/// (<see cref="Labels.Label(MatchReason)"/>).
/// </summary>
public enum MatchReason
{
    [JsonStringEnumMemberName("not yet checked")]
    NotYetChecked,

    [JsonStringEnumMemberName("none")]
    NoMatch,

    [JsonStringEnumMemberName("several")]
    SeveralMatches,

    [JsonStringEnumMemberName("phone not verified")]
    PhoneNotVerified,

    [JsonStringEnumMemberName("phone not on the record")]
    PhoneNotOnRecord,

    [JsonStringEnumMemberName("PDS unavailable")]
    PdsUnavailable,

    /// <summary>A member of staff matched it by hand (the NHS number they gave).</summary>
    [JsonStringEnumMemberName("matched by staff")]
    MatchedByStaff,
}

/// <summary>A red-flag rule the patient's words matched, as staff see it.</summary>
/// <param name="Step">Where it was raised when not in the details (the step id, e.g. <c>request-type</c>); null for the details.</param>
/// <param name="Words">What the patient wrote there, when not in the details.</param>
public sealed record RedFlagHit(string Id, string Severity, string Advice, string? Step = null, string? Words = null);

/// <summary>The follow-up link a request came through: its pathway, and the NHS number staff gave with it (if any).</summary>
public sealed record FollowUpTag(string LinkId, string Pathway, string? NhsNumber);

/// <summary>
/// Who on the staff entered a request for a patient who phoned or came in, and whether they skipped the texted code
/// because they checked the caller's identity themselves. A check by staff is never a verified mobile: matching
/// treats the phone as not verified.
/// </summary>
public sealed record StaffEntry(string By, bool IdentityCheckedByStaff);

/// <summary>The first time a member of staff opened a request's page.</summary>
public sealed record FirstOpening(DateTimeOffset At, string By);

/// <summary>A photo on a request as staff and the API see it: the image itself is read from the attachment store.</summary>
public sealed record RequestAttachment(string Id, string ContentType, long Bytes, int Width, int Height);

public sealed record StaffNote(DateTimeOffset At, string Author, string Text);
