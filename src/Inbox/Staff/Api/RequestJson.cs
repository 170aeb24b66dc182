using System.Text.Json;
using System.Text.Json.Serialization;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>A request as <c>GET /api/inbox/requests/{referenceId}</c> gives it (SPEC section 5), plus who it is assigned to.</summary>
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
    FollowUpJson? FollowUp)
{
    public static RequestJson From(ContactRequest request)
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
            new SubmitterJson(InboxText.Kind(request.SubmittedBy.Kind), request.SubmittedBy.Name, request.SubmittedBy.Relationship),
            new ContactJson(request.Contact.Phone, request.Contact.Verified, InboxText.Preference(request.Contact.Preference)),
            new MatchJson(InboxText.Match(request.Match.Status), request.Match.Reason, request.Match.NhsNumber),
            [.. request.RedFlags.Select(f => new RedFlagJson(f.Id, f.Severity, f.Advice))],
            InboxText.Channel(request.Channel),
            request.AssignedTo,
            [.. request.Notes.Select(n => new NoteJson(InboxText.IsoTime(n.At), n.Author, n.Text))],
            request.Version,
            request.FollowUp is { } followUp ? new FollowUpJson(followUp.Pathway, followUp.LinkId, followUp.NhsNumber) : null);
    }
}

public sealed record PatientJson(string FirstName, string LastName, string DateOfBirth, string Gender, string Postcode);

/// <summary><c>kind</c> is <c>self</c> or <c>proxy</c>; name and relationship are null for self.</summary>
public sealed record SubmitterJson(string Kind, string? Name, string? Relationship);

/// <summary><c>phone</c> in E.164; <c>preference</c> is <c>text</c> or <c>phone</c>.</summary>
public sealed record ContactJson(string Phone, bool Verified, string Preference);

/// <summary><c>status</c> is <c>matched</c> or <c>unmatched</c>; <c>reason</c> says why unmatched (or "matched by staff").</summary>
public sealed record MatchJson(string Status, string? Reason, string? NhsNumber);

/// <summary>The personal follow-up link a request came through (null otherwise): its pathway, its id in "sent links", and the NHS number staff gave with it.</summary>
public sealed record FollowUpJson(string Pathway, string LinkId, string? NhsNumber);

public sealed record RedFlagJson(string Id, string Severity, string Advice);

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
