using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>What every inbox page needs around its content: its title, who is signed in, the form token, and the emergency alert banner.</summary>
public sealed record PageChrome(string Title, StaffMember? Staff, string TokenField, string? Token, string Section = "", AlertBanner? Alerts = null);

/// <summary>A problem with one field of one form, to show in the error summary and beside the field.</summary>
public sealed record FieldProblem(string FieldId, string Message);

/// <summary>The sign-in page.</summary>
public sealed record LoginModel(
    PageChrome Chrome,
    StaffSignInMode Mode,
    string OidcDisplayName,
    string? Email,
    string? ReturnUrl,
    IReadOnlyList<FieldProblem> Problems,
    string? Notice,
    int FailedSignInsBeforeDelay,
    string MaxSignInDelay);

/// <summary>The request list.</summary>
public sealed record ListModel(
    PageChrome Chrome,
    InboxFilter Filter,
    RequestPage Page,
    IReadOnlyDictionary<RequestStatus, long> Counts,
    IReadOnlyList<RequestTypeOption> RequestTypes,
    IReadOnlyList<ServiceDefinition> Services,
    IReadOnlyList<FieldProblem> Problems,
    bool SearchMode,
    DateTimeOffset Now,
    IReadOnlySet<string>? Unread = null);

/// <summary>One line of a request's timeline: a change from the audit trail, a text sent, or a note.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Who, string What, string? Text, bool IsNote);

/// <summary>The request detail page, with the problem of the last action (if any) and the values to keep in its form.</summary>
public sealed record DetailModel(
    PageChrome Chrome,
    ContactRequest Request,
    string ServiceName,
    IReadOnlyList<StaffAccount> Colleagues,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<AuditEntry> Views,
    bool OptedOut,
    string SendId,
    string? Done,
    bool Conflict,
    IReadOnlyList<FieldProblem> Problems,
    IReadOnlyDictionary<string, string> Kept,
    DateTimeOffset Now,
    IReadOnlyList<RequestMessage>? Messages = null,
    IReadOnlyList<ReplyTemplate>? Templates = null);

/// <summary>The administrator's audit search.</summary>
public sealed record AuditModel(
    PageChrome Chrome,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<AuditEntry> Entries,
    IReadOnlyList<FieldProblem> Problems,
    bool Truncated);

/// <summary>A page that only says something went wrong (not found, a form that could not be checked).</summary>
public sealed record MessageModel(PageChrome Chrome, string Heading, string Body, string? LinkText, string? LinkHref);

/// <summary>"Send the link to a patient", and the links sent for the person's services.</summary>
public sealed record LinksModel(
    PageChrome Chrome,
    IReadOnlyList<ServiceDefinition> Services,
    IReadOnlyList<Inbox.Links.SentLink> Sent,
    IReadOnlyDictionary<string, string> Kept,
    IReadOnlyList<FieldProblem> Problems,
    string SendId,
    string? Done,
    DateTimeOffset Now);

/// <summary>The reports page, and what was typed in its weekly file form when it was refused.</summary>
public sealed record ReportsModel(
    PageChrome Chrome,
    Reports.InboxReport Report,
    IReadOnlyList<ServiceDefinition> Services,
    string? ServiceId,
    Reports.IsoWeek LastCompleteWeek,
    string? WeeklyServiceId,
    string? Week,
    IReadOnlyList<FieldProblem> Problems);
