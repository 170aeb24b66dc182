using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Staff.Links;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>
/// The server-rendered inbox under <c>/inbox</c>: sign-in, the list, a request and its actions, the audit
/// trail. Every form is a plain POST with an anti-forgery token; nothing needs JavaScript. A request the
/// person may not see is "Page not found", exactly like one that does not exist.
/// </summary>
public static partial class InboxPages
{
    public static IEndpointRouteBuilder MapInboxPages(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/inbox").AllowAnonymous().ExcludeFromDescription();
        open.AddEndpointFilter(SecurityHeadersAsync).AddEndpointFilter(AntiforgeryCheckAsync);
        open.MapGet("/login", LoginPageAsync);
        open.MapPost("/login", SignInAsync);
        open.MapPost("/login/oidc", SignInWithOidcAsync);

        var inbox = app.MapGroup("/inbox").RequireAuthorization(StaffClaims.Policy).ExcludeFromDescription();
        inbox.AddEndpointFilter(SecurityHeadersAsync).AddEndpointFilter(AntiforgeryCheckAsync).AddEndpointFilter(EmergencyAlerts.LoadAsync);
        inbox.MapPost("/logout", SignOutAsync);
        inbox.MapGet("", ListAsync);
        inbox.MapPost("/search", SearchAsync);
        inbox.MapGet("/requests/{referenceId}", DetailAsync);
        inbox.MapPost("/requests/{referenceId}/{action}", ActAsync);
        inbox.MapGet("/audit", AuditAsync);
        inbox.MapGet("/links", LinksAsync);
        inbox.MapPost("/links", SendLinkAsync);
        inbox.MapPost("/links/{id}/end", EndLinkAsync);
        inbox.MapGet("/reports", ReportPages.ReportsAsync);
        inbox.MapGet("/reports/weekly", ReportPages.WeeklyAsync);
        return app;
    }

    /// <summary>
    /// A group of inbox pages another part of the service adds (request entry, <c>/inbox/new</c>): signed-in staff
    /// only, with the inbox's headers, anti-forgery check on every post and emergency alert banner.
    /// </summary>
    public static RouteGroupBuilder MapStaffPageGroup(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix).RequireAuthorization(StaffClaims.Policy).ExcludeFromDescription();
        group.AddEndpointFilter(SecurityHeadersAsync).AddEndpointFilter(AntiforgeryCheckAsync).AddEndpointFilter(EmergencyAlerts.LoadAsync);
        return group;
    }

    // ---- the list ------------------------------------------------------------------------------

    private static Task<IResult> ListAsync(HttpContext context, InboxPageData data) =>
        RenderListAsync(context, data, context.Request.Query, searchMode: false);

    private static async Task<IResult> SearchAsync(HttpContext context, InboxPageData data)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var values = new QueryCollection(form.Keys.ToDictionary(k => k, k => form[k], StringComparer.Ordinal));
        if (string.IsNullOrWhiteSpace(values["q"]))
        {
            var (filter, _) = InboxFilter.Parse(values);
            return SeeOther($"/inbox{filter.ToQueryString()}");
        }

        return await RenderListAsync(context, data, values, searchMode: true);
    }

    private static async Task<IResult> RenderListAsync(HttpContext context, InboxPageData data, IQueryCollection values, bool searchMode)
    {
        var staff = StaffMember.From(context.User)!;
        var (filter, problems) = InboxFilter.Parse(values);
        var model = await data.ListAsync(staff, filter, Chrome(context, "Requests", "requests"), searchMode,
            [.. problems.Select(p => new FieldProblem(p.Key, p.Value[0]))], context.RequestAborted);
        return Page<ListPage>(model, problems.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    // ---- one request ---------------------------------------------------------------------------

    /// <remarks><c>?template={id}</c> puts that reply template, filled in for this request, in the text box.</remarks>
    private static async Task<IResult> DetailAsync(HttpContext context, string referenceId, string? done, string? template, InboxPageData data, RequestAccess access, IRuleBookProvider rules, RequestChanges changes)
    {
        var staff = StaffMember.From(context.User)!;
        var request = await access.FindAsync(staff, referenceId, context.RequestAborted);
        if (request is null)
        {
            return NotFoundPage(context);
        }

        // Opening the page is what clears an emergency's alert, here and on every other inbox page.
        request = await changes.RecordFirstOpeningAsync(staff, request, context.RequestAborted);
        EmergencyAlerts.Remove(context, request.ReferenceId);

        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (template is not null && rules.Current.FindService(request.ServiceId) is { } service
            && rules.Current.ReplyTemplatesFor(service).FirstOrDefault(t => t.Id == template) is { } chosen)
        {
            kept["message"] = chosen.Fill(service, request.ReferenceId);
            kept["template"] = chosen.Id;
        }

        var model = await data.DetailAsync(staff, request, Chrome(context, $"Request {request.ReferenceId}", "requests"), DoneMessage(done, request), conflict: false, [], kept, context.RequestAborted);
        return Page<DetailPage>(model);
    }

    private static async Task<IResult> ActAsync(HttpContext context, string referenceId, string action, RequestChanges changes, InboxPageData data)
    {
        var staff = StaffMember.From(context.User)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var hasVersion = long.TryParse(form["version"], out var version);
        if (!hasVersion && action is "status" or "assign" or "rematch" or "match")
        {
            return Message(context, StatusCodes.Status400BadRequest, "The form could not be read", "Part of the form was missing. Go back, reload the page and try again.");
        }

        var ct = context.RequestAborted;
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        ChangeResult result;
        switch (action)
        {
            case "status":
                kept["status"] = form["status"].ToString();
                result = await changes.ChangeStatusAsync(staff, referenceId, form["status"], version, ct);
                break;
            case "assign":
                kept["assignee"] = form["assignee"].ToString();
                result = await changes.AssignAsync(staff, referenceId, form["assignee"], version, ct);
                break;
            case "notes":
                kept["note"] = form["note"].ToString();
                result = await changes.AddNoteAsync(staff, referenceId, form["note"], ct);
                break;
            case "texts":
                kept["message"] = form["message"].ToString();
                result = await changes.TextPatientAsync(staff, referenceId, form["message"], form["sendId"], ct);
                break;
            case "rematch":
                result = await changes.RequestRematchAsync(staff, referenceId, version, ct);
                break;
            case "match":
                kept["nhsNumber"] = form["nhsNumber"].ToString();
                result = await changes.MatchManuallyAsync(staff, referenceId, form["nhsNumber"], version, ct);
                break;
            default:
                return NotFoundPage(context);
        }

        switch (result.Outcome)
        {
            case ChangeOutcome.NotFound:
                return NotFoundPage(context);
            case ChangeOutcome.Changed:
                return SeeOther($"/inbox/requests/{result.Request!.ReferenceId}?done={action}");
            default:
                var conflict = result.Outcome == ChangeOutcome.Conflict;
                // A refused change keeps what was typed; a conflict shows the latest version with it.
                if (conflict && action is "status" or "assign")
                {
                    kept.Remove(action == "status" ? "status" : "assignee");
                }

                var problems = result.Problem is null ? [] : new[] { new FieldProblem(result.Field ?? "details", result.Problem) };
                var model = await data.DetailAsync(staff, result.Request!, Chrome(context, $"Request {result.Request!.ReferenceId}", "requests"), null, conflict, problems, kept, ct);
                return Page<DetailPage>(model, conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
        }
    }

    // ---- audit ---------------------------------------------------------------------------------

    private static async Task<IResult> AuditAsync(HttpContext context, IAuditStore store, StaffAudit audit, TimeProvider time)
    {
        var staff = StaffMember.From(context.User)!;
        if (!staff.IsAdministrator)
        {
            return NotFoundPage(context);
        }

        var (query, problems) = AuditFilter.Parse(context.Request.Query, time.GetUtcNow());
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "referenceId", "actor", "service", "from", "to" })
        {
            values[key] = context.Request.Query[key].ToString();
        }

        IReadOnlyList<AuditEntry> entries = [];
        if (problems.Count == 0)
        {
            entries = await store.QueryAsync(query, context.RequestAborted);
            await audit.WriteAsync(staff.Email, AuditActions.AuditQueried, query.ServiceId, query.ReferenceId, AuditFilter.Describe(query), context.RequestAborted);
        }

        var model = new AuditModel(Chrome(context, "Audit trail", "audit"), values, entries, [.. problems.Select(p => new FieldProblem(p.Key, p.Value[0]))], entries.Count >= AuditFilter.Limit);
        return Page<AuditPage>(model, problems.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    // ---- sending the link to a patient ---------------------------------------------------------

    private static Task<IResult> LinksAsync(HttpContext context, string? done, LinkSharing sharing, IRuleBookProvider rules, TimeProvider time)
    {
        var message = done switch
        {
            "sent" => "The link is on its way to the patient. It is in the list of sent links below.",
            "ended" => "The follow-up link has ended. The patient can no longer use it.",
            "already-ended" => "That follow-up link had already ended.",
            _ => null,
        };
        return RenderLinksAsync(context, sharing, rules, time, new Dictionary<string, string>(), [], message, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SendLinkAsync(HttpContext context, LinkSharing sharing, IRuleBookProvider rules, TimeProvider time, Web.PublicAddress publicAddress)
    {
        var staff = StaffMember.From(context.User)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = new[] { "service", "kind", "mobile", "first-name", "last-name", "nhs-number", "dob-day", "dob-month", "dob-year", "pathway", "months" };
        var kept = fields.ToDictionary(f => f, f => form[f].ToString(), StringComparer.Ordinal);
        var input = new LinkForm
        {
            ServiceId = kept["service"],
            Kind = kept["kind"],
            Mobile = kept["mobile"],
            FirstName = kept["first-name"],
            LastName = kept["last-name"],
            NhsNumber = kept["nhs-number"],
            BirthDay = kept["dob-day"],
            BirthMonth = kept["dob-month"],
            BirthYear = kept["dob-year"],
            Pathway = kept["pathway"],
            Months = kept["months"],
            SendId = form["sendId"],
        };
        var origin = publicAddress.Origin(context.Request);
        var result = await sharing.SendAsync(staff, input, origin, context.RequestAborted);
        if (result.Problems.Count == 0)
        {
            return SeeOther("/inbox/links?done=sent");
        }

        return await RenderLinksAsync(context, sharing, rules, time, kept, [.. result.Problems.Select(p => new FieldProblem(p.Key, p.Value))], null, StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> EndLinkAsync(HttpContext context, string id, LinkSharing sharing)
    {
        var staff = StaffMember.From(context.User)!;
        return await sharing.EndAsync(staff, id, context.RequestAborted) switch
        {
            LinkEndOutcome.Ended => SeeOther("/inbox/links?done=ended"),
            LinkEndOutcome.AlreadyEnded => SeeOther("/inbox/links?done=already-ended"),
            _ => NotFoundPage(context),
        };
    }

    private static async Task<IResult> RenderLinksAsync(
        HttpContext context, LinkSharing sharing, IRuleBookProvider rules, TimeProvider time,
        IReadOnlyDictionary<string, string> kept, IReadOnlyList<FieldProblem> problems, string? done, int status)
    {
        var staff = StaffMember.From(context.User)!;
        var services = staff.ServiceIds.Select(rules.Current.FindService).OfType<ServiceDefinition>().ToList();
        var sent = await sharing.ListAsync(staff, context.RequestAborted);
        var model = new LinksModel(Chrome(context, "Send the link to a patient", "links"), services, sent, kept, problems,
            Guid.NewGuid().ToString("N"), done, time.GetUtcNow());
        return Page<LinksPage>(model, status);
    }

    // ---- shared --------------------------------------------------------------------------------

    /// <summary>Pages with patient data: never cached, never framed, no scripts, forms only to this site (and the identity provider).</summary>
    private static ValueTask<object?> SecurityHeadersAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.RequestServices.GetRequiredService<StaffContentSecurityPolicy>().Value;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        return next(invocation);
    }

    /// <summary>The frame of an inbox page: its title, who is signed in, the form token and the alert banner.</summary>
    public static PageChrome Chrome(HttpContext context, string title, string section)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return new PageChrome(title, StaffMember.From(context.User), tokens.FormFieldName, tokens.RequestToken, section, EmergencyAlerts.For(context));
    }

    /// <summary>"Page not found", also for what the person may not see.</summary>
    public static IResult NotFoundPage(HttpContext context) =>
        Message(context, StatusCodes.Status404NotFound, "Page not found", "If you typed the web address, check it is correct. If you followed a link to a request, it may be for a service you do not work for.", "Go to the requests", "/inbox");

    private static IResult Message(HttpContext context, int status, string heading, string body, string? linkText = null, string? linkHref = null) =>
        Page<MessagePage>(new MessageModel(Chrome(context, heading, ""), heading, body, linkText, linkHref), status);

    public static RazorComponentResult<TPage> Page<TPage>(object model, int status = StatusCodes.Status200OK) where TPage : IComponent =>
        new(new Dictionary<string, object?> { ["Model"] = model })
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
        };

    /// <summary>303 See Other: after a form, the next page by GET.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    private static string? DoneMessage(string? done, ContactRequest request) => done switch
    {
        "status" => $"Status changed to {InboxText.StatusLabel(request.Status).ToLowerInvariant()}.",
        "assign" => request.AssignedTo is null ? "The request is no longer assigned to anyone." : $"Assigned to {request.AssignedTo}.",
        "notes" => "Note added.",
        "texts" => $"Text message to {UkPhoneNumbers.Display(request.Contact.Phone)} is in the queue to send. Messages below show whether it arrives.",
        "rematch" => "Matching will run again shortly.",
        "match" => "Matched to the NHS number you gave.",
        _ => null,
    };

    /// <summary>303: after a form, the browser fetches the next page with GET, so a reload never posts twice.</summary>
    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
