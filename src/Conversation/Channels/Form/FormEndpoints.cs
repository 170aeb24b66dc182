using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Channels.WebChat.Pages;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Web;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>The styles and names the patient's form pages are drawn with.</summary>
public sealed record PatientAssets(string ServiceName, string StylesUrl, string IconUrl);

/// <summary>
/// The form channel, <c>/c/{serviceId}/form</c>: the conversation as NHS.UK pages, one question a page, that need no
/// JavaScript. A start page; then <c>/c/{serviceId}/form/{step}</c> for the step the conversation is at, each
/// posting to <c>/c/{serviceId}/form</c> (the photos page's files to <c>/c/{serviceId}/form/photos</c>); <c>/c/{serviceId}/form/change/{step}</c> for a review's Change link. A
/// personal follow-up link's form starts at <c>/c/{serviceId}/f/{token}/form</c>. The conversation is kept by a
/// cookie scoped to the service's form pages.
/// </summary>
public static class FormEndpoints
{
    public static IEndpointRouteBuilder MapFormChannel(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/{serviceId}/form", StartPageAsync);
        app.MapPost("/c/{serviceId}/form/start", StartAsync);
        app.MapGet("/c/{serviceId}/f/{token}/form", FollowUpStartPageAsync);
        app.MapPost("/c/{serviceId}/f/{token}/form", FollowUpStartAsync);
        app.MapPost("/c/{serviceId}/form", PostAsync);
        app.MapPost("/c/{serviceId}/form/photos", PhotosAsync);
        app.MapGet("/c/{serviceId}/form/change/{step}", ChangeAsync);
        app.MapGet("/c/{serviceId}/form/{step}", StepAsync);
        return app;
    }

    /// <summary>The form's pages for a service.</summary>
    public static string BasePath(string serviceId) => PatientLinks.Path(serviceId) + "/form";

    private static async Task<IResult> StartPageAsync(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers, FormCookies cookies, FormTurns turns)
    {
        if (rules.Current.FindService(serviceId) is not { } service)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        // A conversation in progress carries on where it was.
        if (cookies.Read(context, FormCookies.PatientCookie, service.Id, Channel.Form) is { } conversation
            && await turns.ReadAsync(conversation, context.RequestAborted) is { } session
            && session.Step != Step.Welcome && !session.Step.IsEnd())
        {
            return FormFlow.SeeOther($"{BasePath(service.Id)}/{FormTurns.PageStep(session, turns.IsExpired(session))}");
        }

        return StartPage(context, service, assets, headers, BasePath(service.Id) + "/start", PatientLinks.Path(service.Id), Intake.Steps.WelcomeStep.Message(service));
    }

    private static async Task<IResult> StartAsync(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, FormNotices notices, TokenRateLimiter limiter) =>
        rules.Current.FindService(serviceId) is { } service
            ? await BeginAsync(context, service, null, assets, headers, cookies, turns, notices, limiter)
            : NotFoundPage.Respond(context, assets, headers);

    private static async Task<IResult> FollowUpStartPageAsync(HttpContext context, string serviceId, string token, IRuleBookProvider rules, ISentLinkStore links,
        TimeProvider time, WebChatAssets assets, WebChatHeaders headers, Inbox.Web.PublicAddress address)
    {
        var (service, link) = await FollowUpLinkEndpoints.FindAsync(serviceId, token, rules, links, context.RequestAborted);
        if (service is null || link is null)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        if (!link.IsOpenAt(time.GetUtcNow()))
        {
            headers.ForStaticPage(context);
            var general = LinkPageEndpoints.LinkUrl(address, context.Request, service.Id);
            return Results.Content(LinkEndedPage.Render(service, assets, general), "text/html; charset=utf-8", statusCode: StatusCodes.Status410Gone);
        }

        return StartPage(context, service, assets, headers, PatientLinks.Path(service.Id, token) + "/form", PatientLinks.Path(service.Id, token), LinkPage.FollowUpIntro);
    }

    private static async Task<IResult> FollowUpStartAsync(HttpContext context, string serviceId, string token, IRuleBookProvider rules, ISentLinkStore links,
        WebChatAssets assets, WebChatHeaders headers, FormCookies cookies, FormTurns turns, FormNotices notices, TokenRateLimiter limiter)
    {
        var (service, link) = await FollowUpLinkEndpoints.FindAsync(serviceId, token, rules, links, context.RequestAborted);
        if (service is null || link is null)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        // An ended link is told as such by the engine's first turn, as in the chat.
        return await BeginAsync(context, service, link.Id, assets, headers, cookies, turns, notices, limiter);
    }

    /// <summary>A new conversation for this browser: its cookie, the opening turn, and the page of the step it opened at.</summary>
    private static async Task<IResult> BeginAsync(HttpContext context, ServiceDefinition service, string? linkId, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, FormNotices notices, TokenRateLimiter limiter)
    {
        headers.ForFormPage(context);
        var basePath = BasePath(service.Id);
        if (await FormFlow.CheckFormAsync(context) is { } problem)
        {
            return Message(service, assets, problem, basePath);
        }

        if (await limiter.TryAcquireAsync(ClientAddress.Key(context), context.RequestAborted) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Message(service, assets, (StatusCodes.Status429TooManyRequests, "Too many requests were started from here",
                $"Wait a minute, then try again. To speak to someone now, call {service.PhoneNumber}."), basePath);
        }

        var conversation = FormConversation.New(service.Id, Channel.Form, linkId);
        cookies.Write(context, FormCookies.PatientCookie, basePath, conversation);
        var opened = await turns.OpenAsync(conversation, RemoteAddress(context), context.RequestAborted);
        var said = opened.Step.IsEnd() ? opened.Replies : opened.Replies.Take(Math.Max(0, opened.Replies.Count - 1)).ToList();
        notices.Write(context, basePath, conversation.Id, opened.Step.ToId(), said);
        return FormFlow.SeeOther($"{basePath}/{opened.Step.ToId()}");
    }

    private static async Task<IResult> StepAsync(HttpContext context, string serviceId, string step, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, FormNotices notices, IAntiforgery antiforgery) =>
        ChannelFor(context, serviceId, rules, assets, headers, cookies, antiforgery) is { } channel
            ? await FormFlow.ShowAsync(context, channel, step, turns, notices)
            : NoConversation(context, serviceId, rules, assets, headers);

    private static async Task<IResult> ChangeAsync(HttpContext context, string serviceId, string step, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, IAntiforgery antiforgery) =>
        ChannelFor(context, serviceId, rules, assets, headers, cookies, antiforgery) is { } channel
            ? await FormFlow.ChangeAsync(context, channel, step, turns)
            : NoConversation(context, serviceId, rules, assets, headers);

    private static async Task<IResult> PostAsync(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, FormNotices notices, IAntiforgery antiforgery)
    {
        if (rules.Current.FindService(serviceId) is not { } service)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        headers.ForFormPage(context);
        if (await FormFlow.CheckFormAsync(context) is { } problem)
        {
            return Message(service, assets, problem, BasePath(service.Id));
        }

        if (ChannelFor(context, serviceId, rules, assets, headers, cookies, antiforgery) is not { } channel)
        {
            return FormFlow.SeeOther(BasePath(service.Id));
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return (await FormFlow.PostAsync(context, channel, form, turns, notices)).Result;
    }

    /// <summary>
    /// The photos page's upload. Before the body is read, the browser's conversation must be at the photos step:
    /// anyone else is sent to their own page and the rest of what they sent is never read.
    /// </summary>
    private static async Task<IResult> PhotosAsync(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers,
        FormCookies cookies, FormTurns turns, FormNotices notices, IAntiforgery antiforgery)
    {
        if (rules.Current.FindService(serviceId) is not { } service)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        headers.ForFormPage(context);
        var basePath = BasePath(service.Id);
        var session = cookies.Read(context, FormCookies.PatientCookie, service.Id, Channel.Form) is { } conversation
            ? await turns.ReadAsync(conversation, context.RequestAborted)
            : null;
        if (session is null || session.Step == Step.Welcome)
        {
            return FormFlow.SeeOther(basePath);
        }

        if (session.Step != Step.Photos || turns.IsExpired(session))
        {
            return FormFlow.SeeOther($"{basePath}/{FormTurns.PageStep(session, turns.IsExpired(session))}");
        }

        if (await FormFlow.CheckFormAsync(context, photos: true) is { } problem)
        {
            return Message(service, assets, problem, $"{basePath}/{Step.Photos.ToId()}");
        }

        return ChannelFor(context, serviceId, rules, assets, headers, cookies, antiforgery) is { } channel
            ? await FormFlow.PostPhotosAsync(context, channel, turns, notices)
            : FormFlow.SeeOther(basePath);
    }

    /// <summary>The browser's conversation with this service, and how its pages are drawn; null without one.</summary>
    private static FormChannel? ChannelFor(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers, FormCookies cookies, IAntiforgery antiforgery)
    {
        if (rules.Current.FindService(serviceId) is not { } service
            || cookies.Read(context, FormCookies.PatientCookie, service.Id, Inbox.Requests.Channel.Form) is not { } conversation)
        {
            return null;
        }

        headers.ForFormPage(context);
        var tokens = antiforgery.GetAndStoreTokens(context);
        var basePath = BasePath(service.Id);
        var site = new FormSite(basePath, Staff: false, tokens.FormFieldName, tokens.RequestToken!);
        var patientAssets = Assets(service, assets);
        return new FormChannel(site, service, conversation, basePath, basePath,
            (page, status) => Page<PatientFormPage>(new() { ["Model"] = page, ["Frame"] = patientAssets }, status),
            RemoteAddress(context));
    }

    /// <summary>No conversation in this browser: the start page (or "Page not found" for an unknown service).</summary>
    private static IResult NoConversation(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers) =>
        rules.Current.FindService(serviceId) is { } service ? FormFlow.SeeOther(BasePath(service.Id)) : NotFoundPage.Respond(context, assets, headers);

    private static IResult StartPage(HttpContext context, ServiceDefinition service, WebChatAssets assets, WebChatHeaders headers, string action, string chatPath, string welcome)
    {
        headers.ForFormPage(context);
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Page<PatientStartPage>(new()
        {
            ["Frame"] = Assets(service, assets),
            ["Service"] = service,
            ["Welcome"] = welcome,
            ["Action"] = action,
            ["TokenField"] = tokens.FormFieldName,
            ["Token"] = tokens.RequestToken,
            ["ChatPath"] = chatPath,
        }, StatusCodes.Status200OK);
    }

    private static IResult Message(ServiceDefinition service, WebChatAssets assets, (int Status, string Heading, string Body) problem, string continuePath) =>
        Page<PatientMessagePage>(new()
        {
            ["Frame"] = Assets(service, assets),
            ["Heading"] = problem.Heading,
            ["Body"] = problem.Body,
            ["ContinuePath"] = continuePath,
        }, problem.Status);

    private static PatientAssets Assets(ServiceDefinition service, WebChatAssets assets) =>
        new(service.Name, assets.Url(WebChatAssets.NhsStyles), assets.Url(WebChatAssets.Icon));

    private static RazorComponentResult<TPage> Page<TPage>(Dictionary<string, object?> parameters, int status) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>The client's address as the engine takes it (the limits make their own key of it, an IPv6 client by its /64).</summary>
    private static string? RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
