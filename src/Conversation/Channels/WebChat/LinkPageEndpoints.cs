using System.Globalization;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Conversation.Channels.WebChat.Pages;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Web;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>The patient link <c>/c/{serviceId}</c>, the token its page asks for, and the link as a QR code.</summary>
public static class LinkPageEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapLinkPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/{serviceId}", Page);
        app.MapPost("/c/{serviceId}/token", TokenAsync).RequireCors(WebChatServiceCollectionExtensions.CorsPolicy);
        app.MapGet("/c/{serviceId}/qr.svg", Qr);
        app.MapPrintables();
        return app;
    }

    /// <summary>The page with the chat, or a 404 page for a service the rules do not know.</summary>
    private static IResult Page(HttpContext context, string serviceId, IRuleBookProvider rules, WebChatAssets assets, WebChatHeaders headers)
    {
        var service = rules.Current.FindService(serviceId);
        if (service is null)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        var nonce = WebChatHeaders.NewNonce();
        headers.ForPage(context, nonce);
        return Results.Content(LinkPage.Render(service, assets, nonce), Html);
    }

    /// <summary>
    /// A token for a new conversation with the service, in the shape of Direct Line's own token call:
    /// <c>{token, conversationId, expires_in}</c>. Limited per client IP.
    /// </summary>
    private static async Task<IResult> TokenAsync(HttpContext context, string serviceId, IRuleBookProvider rules, DirectLineTokens tokens, TokenRateLimiter limiter)
    {
        WebChatHeaders.ForApi(context.Response);
        if (await TooManyConversationsAsync(context, limiter) is { } refused)
        {
            return refused;
        }

        var service = rules.Current.FindService(serviceId);
        if (service is null)
        {
            return DirectLineJson.Error(StatusCodes.Status404NotFound, "NotFound", "No service has this address.");
        }

        var (token, claims) = tokens.IssueForNewConversation(service.Id);
        return DirectLineJson.Conversation(claims.ConversationId, token, tokens.ExpiresIn(claims), streamUrl: null);
    }

    /// <summary>429 with <c>Retry-After</c> when this client has started too many conversations lately; null when it may start one.</summary>
    internal static async Task<IResult?> TooManyConversationsAsync(HttpContext context, TokenRateLimiter limiter)
    {
        if (await limiter.TryAcquireAsync(ClientAddress.Key(context), context.RequestAborted) is not { } wait)
        {
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return DirectLineJson.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", $"Too many conversations were started from here. Try again in {seconds} seconds.");
    }

    /// <summary>The service's link (under <c>PublicBaseUrl</c>) as an SVG QR code.</summary>
    private static IResult Qr(HttpContext context, string serviceId, IRuleBookProvider rules, PublicAddress address) =>
        QrImage(context, serviceId, rules, address, link => Results.Text(QrCodes.Svg(link), "image/svg+xml; charset=utf-8"));

    /// <summary>The service's link drawn as a QR code by <paramref name="draw"/>, cached for an hour; a bare 404 for an unknown service.</summary>
    internal static IResult QrImage(HttpContext context, string serviceId, IRuleBookProvider rules, PublicAddress address, Func<string, IResult> draw)
    {
        var service = rules.Current.FindService(serviceId);
        WebChatHeaders.ForApi(context.Response, cacheable: service is not null);
        if (service is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "public, max-age=3600";
        return draw(LinkUrl(address, context.Request, service.Id));
    }

    /// <summary>The public link of a service: <c>{PublicBaseUrl}/c/{id}</c>, or this request's origin when no base URL is set.</summary>
    public static string LinkUrl(PublicAddress address, HttpRequest request, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(address);
        return PatientLinks.Url(address.Origin(request), serviceId);
    }
}
