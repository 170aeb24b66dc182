using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>Reads what the list and detail pages show, and audits each view.</summary>
public sealed class InboxPageData(
    IRequestStore requests,
    IAuditStore auditStore,
    IStaffAccountStore accounts,
    IOptOutStore optOuts,
    IMessageStore messages,
    IRuleBookProvider rules,
    StaffAudit audit,
    TimeProvider time)
{
    private static readonly RequestStatus[] Statuses = [RequestStatus.New, RequestStatus.InProgress, RequestStatus.Done];

    public async Task<ListModel> ListAsync(StaffMember staff, InboxFilter filter, PageChrome chrome, bool searchMode, IReadOnlyList<FieldProblem> problems, CancellationToken cancellationToken)
    {
        var page = await requests.ListAsync(filter.ToQuery(staff), cancellationToken);
        var counts = new Dictionary<RequestStatus, long>();
        foreach (var status in Statuses)
        {
            var counted = await requests.ListAsync(filter.ToQuery(staff, status, ignoreStatus: true) with { Page = 1, PageSize = 1 }, cancellationToken);
            counts[status] = counted.Total;
        }

        var book = rules.Current;
        var services = staff.ServiceIds.Select(book.FindService).OfType<ServiceDefinition>().ToList();
        var types = new List<RequestTypeOption>();
        foreach (var service in services)
        {
            foreach (var channel in new[] { Channels.WebChat, Channels.Sms, Channels.Form, Channels.Staff })
            {
                foreach (var type in await book.GetRequestTypesAsync(service, channel, time.GetUtcNow()))
                {
                    if (type.Kind == RequestKind.Request && types.All(t => t.Id != type.Id))
                    {
                        types.Add(type);
                    }
                }
            }
        }

        await audit.WriteAsync(staff.Email, AuditActions.ListViewed, Api.InboxApi.SingleService(staff, filter), null,
            $"{filter.Describe()}; {page.Items.Count} of {page.Total}: {string.Join(" ", page.Items.Select(r => r.ReferenceId))}", cancellationToken);
        var unread = await messages.WithUnreadAsync([.. page.Items.Select(r => r.ReferenceId)], cancellationToken);
        return new ListModel(chrome, filter, page, counts, types, services, problems, searchMode, time.GetUtcNow(), unread);
    }

    public async Task<DetailModel> DetailAsync(
        StaffMember staff,
        ContactRequest request,
        PageChrome chrome,
        string? done,
        bool conflict,
        IReadOnlyList<FieldProblem> problems,
        IReadOnlyDictionary<string, string> kept,
        CancellationToken cancellationToken)
    {
        await audit.WriteAsync(staff.Email, AuditActions.Viewed, request.ServiceId, request.ReferenceId, cancellationToken: cancellationToken);
        var trail = await auditStore.QueryAsync(new AuditQuery { ReferenceId = request.ReferenceId, Limit = 1000 }, cancellationToken);
        // Read before marking them seen, so the page can show which replies are new to this person.
        var thread = await messages.ListForRequestAsync(request.ReferenceId, cancellationToken);
        await messages.MarkSeenAsync(request.ReferenceId, time.GetUtcNow(), cancellationToken);

        var timeline = new List<TimelineEntry>
        {
            new(request.CreatedAt, request.SubmittedBy.Kind == SubmitterKind.Self ? "the patient" : "someone for the patient", "Request received", null, false),
        };
        timeline.AddRange(request.Notes.Select(n => new TimelineEntry(n.At, n.Author, "Internal note", n.Text, true)));
        foreach (var entry in trail)
        {
            if (!AuditActions.IsView(entry.Action) && Describe(entry) is { } what)
            {
                var who = entry.Actor == Matching.RequestMatching.AuditActor ? "automatic matching" : entry.Actor;
                if (entry.Action == AuditActions.Texted)
                {
                    // What really happened to the text, from its message on the request.
                    var text = thread.Where(m => m.Author == entry.Actor && m.Body == entry.Detail).MinBy(m => (m.CreatedAt - entry.At).Duration());
                    what = text?.Status is { } status ? $"Text message to the patient: {InboxText.DeliveryLabel(status).ToLowerInvariant()}" : "Text message to the patient";
                }

                timeline.Add(new TimelineEntry(entry.At, who, what, entry.Action == AuditActions.Texted ? entry.Detail : null, false));
            }
        }

        var views = trail.Where(e => AuditActions.IsView(e.Action)).OrderByDescending(e => e.At).Take(100).ToList();
        var service = rules.Current.FindService(request.ServiceId);
        return new DetailModel(
            chrome,
            request,
            service?.Name ?? request.ServiceId,
            await accounts.ListForServiceAsync(request.ServiceId, cancellationToken),
            [.. timeline.OrderByDescending(t => t.At)],
            views,
            await optOuts.IsOptedOutAsync(request.Contact.Phone, cancellationToken),
            Guid.NewGuid().ToString("N"),
            done,
            conflict,
            problems,
            kept,
            time.GetUtcNow(),
            thread,
            service is null ? [] : rules.Current.ReplyTemplatesFor(service));
    }

    /// <summary>A change in the audit trail as staff read it; null for entries the timeline leaves out.</summary>
    private static string? Describe(AuditEntry entry) => entry.Action switch
    {
        AuditActions.StatusChanged when entry.Detail?.Split(" -> ") is [var from, var to] => $"Status changed from {from} to {to}",
        AuditActions.StatusChanged => "Status changed",
        AuditActions.Assigned when entry.Detail == "unassigned" => "Unassigned",
        AuditActions.Assigned => $"Assigned {entry.Detail}",
        AuditActions.Texted => "Text message to the patient",
        AuditActions.RematchRequested => "Asked for matching to run again",
        AuditActions.MatchedManually => "Matched by hand to an NHS number",
        AuditActions.ChangeRefused => "A change was not saved: someone else had changed the request first",
        AuditActions.EmergencyAlertCleared => "Opened for the first time: the emergency alert was cleared",
        Matching.RequestMatching.AuditAction when entry.Detail == "matched" => "Matched to an NHS record automatically",
        Matching.RequestMatching.AuditAction => $"Not matched automatically ({entry.Detail?.Replace("unmatched: ", "", StringComparison.Ordinal)})",
        // The note itself is on the timeline.
        AuditActions.NoteAdded => null,
        _ => entry.Detail is null ? entry.Action : $"{entry.Action}: {entry.Detail}",
    };
}
