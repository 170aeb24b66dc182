using System.Text.Json;
using System.Text.Json.Serialization;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;

using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>
/// A request as <c>GET /api/inbox/requests/{referenceId}</c> gives it (SPEC section 5), plus who it is assigned to,
/// its messages (oldest first) and whether one from the patient is still unread (SPEC section 10), and the triage
/// fields of SPEC section 11 (<c>ageYears</c>, <c>waitingMinutes</c>, labelled red flags).
/// </summary>
public sealed record RequestJson(
    string ReferenceId,
    string ServiceId,
    string Status,
    string RequestType,
    string RequestTypeId,
    string Details,
    string CreatedAt,
    string UpdatedAt,
    PatientJson Patient,
    SubmitterJson SubmittedBy,
    ContactJson Contact,
    MatchJson Match,
    IReadOnlyList<RedFlagJson> RedFlags,
    string Channel,
    string? AssignedTo,
    IReadOnlyList<NoteJson> Notes,
    long Version,
    FollowUpJson? FollowUp,
    IReadOnlyList<MessageJson> Messages,
    bool Unread,
    int AgeYears,
    long WaitingMinutes,
    string? FirstActionAt,
    FirstOpenedJson? FirstOpened,
    IReadOnlyList<AttachmentJson> Attachments)
{
    /// <param name="request">The stored request.</param>
    /// <param name="now">The moment the age and the wait are worked out at.</param>
    /// <param name="messages">The request's messages, oldest first.</param>
    /// <param name="unread">Whether a message from the patient is unseen, when the messages are not given.</param>
    public static RequestJson From(ContactRequest request, DateTimeOffset now, IReadOnlyList<RequestMessage>? messages = null, bool unread = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RequestJson(
            request.ReferenceId,
            request.ServiceId,
            InboxText.Status(request.Status),
            request.RequestType,
            request.RequestTypeId,
            request.Details,
            InboxText.IsoTime(request.CreatedAt),
            InboxText.IsoTime(request.UpdatedAt == default ? request.CreatedAt : request.UpdatedAt),
            new PatientJson(request.Patient.FirstName, request.Patient.LastName, InboxText.Date(request.Patient.DateOfBirth), InboxText.Gender(request.Patient.Gender), request.Patient.Postcode),
            new SubmitterJson(InboxText.Kind(request.SubmittedBy.Kind), request.SubmittedBy.Name, request.SubmittedBy.Relationship?.Label(), request.EnteredBy?.By),
            new ContactJson(request.Contact.Phone, request.Contact.Verified, InboxText.Preference(request.Contact.Preference), request.EnteredBy?.IdentityCheckedByStaff == true),
            new MatchJson(InboxText.Match(request.Match.Status), request.Match.Reason?.Label(), request.Match.NhsNumber),
            [.. request.RedFlags.Select(f => new RedFlagJson(f.Id, f.Severity, Triage.RedFlagLabel(f.Id), f.Advice, f.Step ?? "details", f.Words))],
            InboxText.Channel(request.Channel),
            request.AssignedTo,
            [.. request.Notes.Select(n => new NoteJson(InboxText.IsoTime(n.At), n.Author, n.Text))],
            request.Version,
            request.FollowUp is { } followUp ? new FollowUpJson(followUp.Pathway, followUp.LinkId, followUp.NhsNumber) : null,
            [.. (messages ?? []).Select(MessageJson.From)],
            unread || (messages?.Any(m => m.Direction == MessageDirection.In && m.SeenAt is null) ?? false),
            Triage.AgeYears(request.Patient.DateOfBirth, LondonTime.Today(now)),
            Triage.WaitingMinutes(request, now),
            request.FirstActionAt is { } acted ? InboxText.IsoTime(acted) : null,
            request.FirstOpened is { } opened ? new FirstOpenedJson(InboxText.IsoTime(opened.At), opened.By) : null,
            [.. request.Attachments.Select(a => new AttachmentJson(a.Id, a.ContentType, a.Bytes, a.Width, a.Height))]);
    }
}

/// <summary>A photo on the request (SPEC section 13); the image is at <c>GET /api/inbox/requests/{referenceId}/attachments/{id}</c>.</summary>
public sealed record AttachmentJson(string Id, string ContentType, long Bytes, int Width, int Height);

/// <summary>
/// One message on a request: <c>direction</c> is <c>in</c> (from the patient) or <c>out</c>; <c>status</c>, for an
/// outbound text, one of <c>queued</c>, <c>sent</c>, <c>delivered</c>, <c>undelivered</c>, <c>failed</c>,
/// <c>opted-out</c> (null for inbound); <c>error</c> says why a text did not arrive; <c>author</c> is the member of
/// staff who wrote it (null for the patient's messages and the service's own texts).
/// </summary>
public sealed record MessageJson(string Id, string Direction, string Channel, string Body, string CreatedAt, string? Status, string? StatusAt, string? Error, string? Author)
{
    public static MessageJson From(RequestMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MessageJson(
            message.Id.ToString("D"),
            message.Direction == MessageDirection.In ? "in" : "out",
            InboxText.Channel(message.Channel),
            message.Body,
            InboxText.IsoTime(message.CreatedAt),
            message.Status is { } status ? InboxText.Delivery(status) : null,
            message.StatusAt is { } at && message.Direction == MessageDirection.Out ? InboxText.IsoTime(at) : null,
            message.Error,
            message.Author);
    }
}

/// <summary>What <c>GET /api/inbox/antiforgery</c> gives: the header to send the token in, and the token.</summary>
public sealed record AntiforgeryJson(string HeaderName, string Token);

/// <summary>The body of <c>POST /api/inbox/requests/{referenceId}/messages</c>.</summary>
public sealed record NewMessageJson(string? Body);

public sealed record PatientJson(string FirstName, string LastName, string DateOfBirth, string Gender, string Postcode);

/// <summary>
/// <c>kind</c> is <c>self</c> or <c>proxy</c>; name and relationship are null for self. <c>staff</c> is the email of the
/// member of staff who entered the request (channel <c>staff</c>), null otherwise.
/// </summary>
public sealed record SubmitterJson(string Kind, string? Name, string? Relationship, string? Staff);

/// <summary>
/// <c>phone</c> in E.164; <c>preference</c> is <c>text</c> or <c>phone</c>. <c>identityCheckedByStaff</c>: staff skipped
/// the texted code because they checked who the caller was; <c>verified</c> stays false then.
/// </summary>
public sealed record ContactJson(string Phone, bool Verified, string Preference, bool IdentityCheckedByStaff);

/// <summary><c>status</c> is <c>matched</c> or <c>unmatched</c>; <c>reason</c> says why unmatched (or "matched by staff").</summary>
public sealed record MatchJson(string Status, string? Reason, string? NhsNumber);

/// <summary>The personal follow-up link a request came through (null otherwise): its pathway, its id in "sent links", and the NHS number staff gave with it.</summary>
public sealed record FollowUpJson(string Pathway, string LinkId, string? NhsNumber);

/// <summary>
/// A red flag: the rule's id, its severity (<c>emergency</c> or <c>urgent</c>), its label for people, and the advice
/// the patient was shown before they chose to carry on and send the request.
/// </summary>
/// <param name="Step">The step whose words raised it: <c>details</c>, or another step id when the patient wrote it elsewhere.</param>
/// <param name="Words">What the patient wrote, when it was not the details.</param>
public sealed record RedFlagJson(string Id, string Severity, string Label, string Advice, string Step, string? Words);

/// <summary>Who first opened the request's page in the inbox, and when.</summary>
public sealed record FirstOpenedJson(string At, string By);

public sealed record NoteJson(string At, string Author, string Text);

/// <summary>A page of the list: <c>{items, total, page, pageSize}</c>.</summary>
public sealed record RequestListJson(IReadOnlyList<RequestJson> Items, long Total, int Page, int PageSize);

/// <summary>One audit entry for an administrator.</summary>
public sealed record AuditEntryJson(string At, string Actor, string Action, string? ServiceId, string? ReferenceId, string? Detail);

/// <summary>The JSON spelling of the inbox API: camelCase names, nulls written out.</summary>
public static class InboxJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
