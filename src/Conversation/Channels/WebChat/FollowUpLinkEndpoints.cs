using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Conversation.Channels.WebChat.Pages;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Web;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// A personal follow-up (PIFU) link, <c>/c/{serviceId}/f/{token}</c>: the usual chat page, whose conversations
/// carry the link; once the link has ended, a page that says so and gives the service's other ways in.
/// A token that is unknown, malformed or another service's is "Page not found", like an unknown service.
/// </summary>
public static class FollowUpLinkEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapFollowUpLinks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/{serviceId}/f/{token}", PageAsync);
        app.MapPost("/c/{serviceId}/f/{token}/token", TokenAsync).RequireCors(WebChatServiceCollectionExtensions.CorsPolicy);
        return app;
    }

    private static async Task<IResult> PageAsync(
        HttpContext context, string serviceId, string token, IRuleBookProvider rules, ISentLinkStore links, TimeProvider time,
        WebChatAssets assets, WebChatHeaders headers, PublicAddress address)
    {
        var (service, link) = await FindAsync(serviceId, token, rules, links, context.RequestAborted);
        if (service is null || link is null)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        if (!link.IsOpenAt(time.GetUtcNow()))
        {
            headers.ForStaticPage(context);
            var general = LinkPageEndpoints.LinkUrl(address, context.Request, service.Id);
            return Results.Content(LinkEndedPage.Render(service, assets, general), Html, statusCode: StatusCodes.Status410Gone);
        }

        var nonce = WebChatHeaders.NewNonce();
        headers.ForPage(context, nonce);
        return Results.Content(LinkPage.Render(service, assets, nonce, PatientLinks.Path(service.Id, token) + "/token"), Html);
    }

    /// <summary>A conversation token like <c>/c/{serviceId}/token</c>'s, carrying the link; 410 once the link has ended.</summary>
    private static async Task<IResult> TokenAsync(
        HttpContext context, string serviceId, string token, IRuleBookProvider rules, ISentLinkStore links, TimeProvider time,
        DirectLineTokens tokens, TokenRateLimiter limiter)
    {
        WebChatHeaders.ForApi(context.Response);
        if (await LinkPageEndpoints.TooManyConversationsAsync(context, limiter) is { } refused)
        {
            return refused;
        }

        var (service, link) = await FindAsync(serviceId, token, rules, links, context.RequestAborted);
        if (service is null || link is null)
        {
            return DirectLineJson.Error(StatusCodes.Status404NotFound, "NotFound", "No link has this address.");
        }

        if (!link.IsOpenAt(time.GetUtcNow()))
        {
            return DirectLineJson.Error(StatusCodes.Status410Gone, "LinkEnded", "This follow-up link has ended.");
        }

        var (issued, claims) = tokens.IssueForNewConversation(service.Id, link.Id);
        return DirectLineJson.Conversation(claims.ConversationId, issued, tokens.ExpiresIn(claims), streamUrl: null);
    }

    /// <summary>The service and its follow-up link for a token; nulls when either is unknown or the link is another service's.</summary>
    internal static async Task<(ServiceDefinition? Service, SentLink? Link)> FindAsync(
        string serviceId, string token, IRuleBookProvider rules, ISentLinkStore links, CancellationToken ct)
    {
        var service = rules.Current.FindService(serviceId);
        var hash = LinkTokens.HashIfWellFormed(token);
        if (service is null || hash is null)
        {
            return (null, null);
        }

        var link = await links.FindByTokenHashAsync(hash, ct);
        return link is { Kind: SentLinkKind.FollowUp } && link.ServiceId == service.Id ? (service, link) : (service, null);
    }
}
