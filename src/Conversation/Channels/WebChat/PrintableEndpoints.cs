using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.WebChat.Pages;
using PatientContact.Inbox.Web;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// What a service prints to bring patients to its link: the A4 poster, the paragraph for letters, and
/// the link as a PNG QR code for word processors. Per service, never per patient.
/// </summary>
public static class PrintableEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapPrintables(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/{serviceId}/poster", Poster);
        app.MapGet("/c/{serviceId}/letter", Letter);
        app.MapGet("/c/{serviceId}/qr.png", QrPng);
        return app;
    }

    private static IResult Poster(HttpContext context, string serviceId, IRuleBookProvider rules, PublicAddress address, WebChatAssets assets, WebChatHeaders headers) =>
        Printable(context, serviceId, rules, address, assets, headers, PosterPage.Render);

    private static IResult Letter(HttpContext context, string serviceId, IRuleBookProvider rules, PublicAddress address, WebChatAssets assets, WebChatHeaders headers) =>
        Printable(context, serviceId, rules, address, assets, headers, LetterPage.Render);

    /// <summary>A page for a known service, or the link page's 404 page.</summary>
    private static IResult Printable(
        HttpContext context,
        string serviceId,
        IRuleBookProvider rules,
        PublicAddress address,
        WebChatAssets assets,
        WebChatHeaders headers,
        Func<PrintedContact, WebChatAssets, string> render)
    {
        var service = rules.Current.FindService(serviceId);
        if (service is null)
        {
            return NotFoundPage.Respond(context, assets, headers);
        }

        WebChatHeaders.ForPrintablePage(context);
        var link = LinkPageEndpoints.LinkUrl(address, context.Request, service.Id);
        return Results.Content(render(PrintedContact.For(service, link), assets), Html);
    }

    /// <summary>The service's link as a PNG QR code, cached like the SVG one.</summary>
    private static IResult QrPng(HttpContext context, string serviceId, IRuleBookProvider rules, PublicAddress address) =>
        LinkPageEndpoints.QrImage(context, serviceId, rules, address, link => Results.Bytes(QrCodes.Png(link), "image/png"));
}
