using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>The security headers of the web chat's pages, files and API answers.</summary>
public sealed class WebChatHeaders(IOptions<WebChatOptions> options, PublicAddress publicAddress)
{
    private readonly string _frameAncestors = string.Join(' ', ["'self'", .. options.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))]);

    /// <summary>
    /// The hash of an empty <c>&lt;style&gt;</c> element. One of the widget's style sheets (emotion's
    /// default instance) is made without the nonce; it adds an empty element and fills it through the
    /// CSSOM, which CSP does not govern. Allowing exactly an empty element lets it work and lets no
    /// injected style in.
    /// </summary>
    public const string EmptyStyleHash = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

    /// <summary>A fresh nonce for one page: the widget stamps it on the style elements it adds.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// The link page: scripts only from this origin (the nonce as well, for browsers that want it on
    /// the tags), styles from this origin or carrying the nonce, connections only back to this origin
    /// (its WebSocket too, at <c>PublicBaseUrl</c>: never the request's Host header), and framing only
    /// by this origin and the configured websites.
    /// </summary>
    /// <remarks><c>connect-src blob:</c>: the widget reads the photos a patient picks from the page's own blob URLs before it uploads them.</remarks>
    public void ForPage(HttpContext context, string nonce)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var socketOrigin = publicAddress.WebSocketSource(request);
        Common(context.Response);
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}' {EmptyStyleHash}; img-src 'self' data: blob:; " +
            $"font-src 'self'; connect-src 'self' blob: {socketOrigin}; base-uri 'none'; form-action 'self'; frame-ancestors {_frameAncestors}";
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>A page with no script (the 404 page).</summary>
    public void ForStaticPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Common(context.Response);
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {_frameAncestors}";
    }

    /// <summary>
    /// The form channel's pages: no script at all, styles and images from this origin, forms posted only here,
    /// framed only by this origin and the configured websites, and never cached (they show a patient's answers).
    /// </summary>
    public void ForFormPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Common(context.Response);
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {_frameAncestors}";
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>
    /// The poster and letter pages: styles and the print button's script only from this origin, no
    /// connections, framed only by this origin. Nothing on them is personal, but they are not cached,
    /// so a change to the service's rules shows at once.
    /// </summary>
    public static void ForPrintablePage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Common(context.Response);
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>JSON answers, the QR image and files: never sniffed, never framed; JSON never cached.</summary>
    public static void ForApi(HttpResponse response, bool cacheable = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        Common(response);
        response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        if (!cacheable)
        {
            response.Headers.CacheControl = "no-store";
        }
    }

    private static void Common(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
