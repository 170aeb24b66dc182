using Microsoft.AspNetCore.Http.HttpResults;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.Pages;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>
/// "New request", <c>/inbox/new</c>: staff enter a request for a patient who phoned or came in, through the same
/// steps on the same pages as the form, inside the inbox (channel <c>staff</c>, the member of staff recorded as who
/// entered it). At the code, "Identity checked by staff" skips it: recorded as such, and never a verified mobile.
/// Only for the services the person works for; starting and sending are audited.
/// </summary>
public static class StaffEntryEndpoints
{
    public const string BasePath = "/inbox/new";

    public static IEndpointRouteBuilder MapStaffEntry(this IEndpointRouteBuilder app)
    {
        var group = app.MapStaffPageGroup(BasePath);
        group.MapGet("", StartPageAsync);
        group.MapPost("/start", StartAsync);
        group.MapPost("", PostAsync);
        // Read by the staff pages' form check within the photo limits, not the usual form size.
        group.MapPost("/photos", PhotosAsync).WithMetadata(Inbox.Attachments.PhotoForm.Endpoint);
        group.MapGet("/change/{step}", ChangeAsync);
        group.MapGet("/{step}", StepAsync);
        return app;
    }

    private static async Task<IResult> StartPageAsync(HttpContext context, IRuleBookProvider rules, FormCookies cookies, FormTurns turns)
    {
        var staff = StaffMember.From(context.User)!;
        if (Conversation(context, staff, cookies) is { } conversation
            && await turns.ReadAsync(conversation, context.RequestAborted) is { } session
            && session.Step != Step.Welcome && !session.Step.IsEnd())
        {
            return InboxPages.SeeOther($"{BasePath}/{FormTurns.PageStep(session, turns.IsExpired(session))}");
        }

        return StartPage(context, staff, rules, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> StartAsync(HttpContext context, IRuleBookProvider rules, FormCookies cookies, FormTurns turns, FormNotices notices, StaffAudit audit)
    {
        var staff = StaffMember.From(context.User)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var serviceId = form["service"].ToString();
        if (!staff.WorksFor(serviceId) || rules.Current.FindService(serviceId) is not { } service)
        {
            return StartPage(context, staff, rules, "Choose the service the request is for.", StatusCodes.Status400BadRequest);
        }

        var conversation = FormConversation.New(service.Id, Channel.Staff, enteredBy: staff.Email);
        cookies.Write(context, FormCookies.StaffCookie, BasePath, conversation);
        await audit.WriteAsync(staff.Email, AuditActions.EntryStarted, service.Id, cancellationToken: context.RequestAborted);
        var opened = await turns.OpenAsync(conversation, clientAddress: null, context.RequestAborted);
        var said = opened.Step.IsEnd() ? opened.Replies : opened.Replies.Take(Math.Max(0, opened.Replies.Count - 1)).ToList();
        notices.Write(context, BasePath, conversation.Id, opened.Step.ToId(), said);
        return InboxPages.SeeOther($"{BasePath}/{opened.Step.ToId()}");
    }

    private static async Task<IResult> StepAsync(HttpContext context, string step, IRuleBookProvider rules, FormCookies cookies, FormTurns turns, FormNotices notices) =>
        ChannelFor(context, rules, cookies) is { } channel
            ? await FormFlow.ShowAsync(context, channel, step, turns, notices)
            : InboxPages.SeeOther(BasePath);

    private static async Task<IResult> ChangeAsync(HttpContext context, string step, IRuleBookProvider rules, FormCookies cookies, FormTurns turns) =>
        ChannelFor(context, rules, cookies) is { } channel
            ? await FormFlow.ChangeAsync(context, channel, step, turns)
            : InboxPages.SeeOther(BasePath);

    private static async Task<IResult> PostAsync(HttpContext context, IRuleBookProvider rules, FormCookies cookies, FormTurns turns, FormNotices notices, StaffAudit audit)
    {
        if (ChannelFor(context, rules, cookies) is not { } channel)
        {
            return InboxPages.SeeOther(BasePath);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (result, outcome) = await FormFlow.PostAsync(context, channel, form, turns, notices);
        if (outcome is { Moved: true, After: Step.Submitted }
            && await turns.ReadAsync(channel.Conversation, context.RequestAborted) is { ReferenceId: { } reference } session)
        {
            var a = session.Answers;
            var how = a.IdentityCheckedByStaff ? "identity checked by staff" : a.Verified ? "mobile checked with a code" : "phone not checked";
            await audit.WriteAsync(channel.Conversation.EnteredBy!, AuditActions.Entered, channel.Service.Id, reference, how, context.RequestAborted);
        }

        return result;
    }

    private static async Task<IResult> PhotosAsync(HttpContext context, IRuleBookProvider rules, FormCookies cookies, FormTurns turns, FormNotices notices) =>
        ChannelFor(context, rules, cookies) is { } channel
            ? await FormFlow.PostPhotosAsync(context, channel, turns, notices)
            : InboxPages.SeeOther(BasePath);

    /// <summary>This person's conversation in progress and how its pages are drawn; null without one (or for a service they no longer work for).</summary>
    private static FormChannel? ChannelFor(HttpContext context, IRuleBookProvider rules, FormCookies cookies)
    {
        var staff = StaffMember.From(context.User)!;
        if (Conversation(context, staff, cookies) is not { } conversation || rules.Current.FindService(conversation.ServiceId) is not { } service)
        {
            return null;
        }

        var chrome = InboxPages.Chrome(context, "New request", "new");
        var site = new FormSite(BasePath, Staff: true, chrome.TokenField, chrome.Token!);
        return new FormChannel(site, service, conversation, BasePath, BasePath,
            (page, status) => new RazorComponentResult<StaffFormPage>(new Dictionary<string, object?>
            {
                ["Model"] = page,
                ["Chrome"] = chrome with { Title = page.Title },
            })
            {
                StatusCode = status,
                ContentType = "text/html; charset=utf-8",
            },
            ClientAddress: null);
    }

    private static FormConversation? Conversation(HttpContext context, StaffMember staff, FormCookies cookies) =>
        cookies.Read(context, FormCookies.StaffCookie, Channel.Staff, staff.Email) is { } conversation && staff.WorksFor(conversation.ServiceId) ? conversation : null;

    private static IResult StartPage(HttpContext context, StaffMember staff, IRuleBookProvider rules, string? problem, int status) =>
        new RazorComponentResult<StaffStartPage>(new Dictionary<string, object?>
        {
            ["Chrome"] = InboxPages.Chrome(context, problem is null ? "New request" : "Error: New request", "new"),
            ["Services"] = staff.ServiceIds.Select(rules.Current.FindService).OfType<ServiceDefinition>().ToList(),
            ["Problem"] = problem,
        })
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
        };
}
