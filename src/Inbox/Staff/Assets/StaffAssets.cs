using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace PatientContact.Inbox.Staff;

/// <summary>
/// The inbox's styles and icons, served from this origin under <c>/inbox/assets/</c>: NHS.UK frontend
/// (from the npm package, embedded at build) and a few lines of the inbox's own.
/// </summary>
public static partial class StaffAssets
{
    public const string NhsukCssPath = "/inbox/assets/nhsuk-frontend.min.css";
    public const string InboxCssPath = "/inbox/assets/inbox.css";
    public const string FaviconPath = "/inbox/assets/images/favicon.svg";

    private const string ResourcePrefix = "staff-assets/";
    private static readonly ConcurrentDictionary<string, Asset?> Cache = new(StringComparer.Ordinal);

    /// <summary>Whether the NHS.UK styles were found when the service was built (npm packages installed).</summary>
    public static bool HasNhsukStyles => Load("nhsuk-frontend.min.css") is not null;

    public static IEndpointRouteBuilder MapStaffAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox/assets/{**path}", (string path, HttpContext context) =>
        {
            var asset = Load(path);
            if (asset is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.Headers.IfNoneMatch == asset.ETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = asset.ETag;
            return Results.Bytes(asset.Content, asset.ContentType);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Logs once at start when the build had no NHS.UK styles to embed: pages still work, unstyled.</summary>
    public static void WarnIfMissing(ILogger logger)
    {
        if (!HasNhsukStyles)
        {
            LogMissingStyles(logger);
        }
    }

    private static Asset? Load(string path) => Cache.GetOrAdd(path, static p =>
    {
        var contentType = Path.GetExtension(p) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        if (contentType is null || p.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + p);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        if (p == "nhsuk-frontend.min.css")
        {
            // The package's CSS points at its icons from the site root; here they live under /inbox/assets.
            // Its Frutiger web font comes from the NHS's own CDN, which these pages do not load from (only
            // this origin is allowed): without the @font-face rules the stack falls back to Arial, as designed.
            var css = System.Text.Encoding.UTF8.GetString(content)
                .Replace("url(/assets/images/", "url(/inbox/assets/images/", StringComparison.Ordinal);
            content = System.Text.Encoding.UTF8.GetBytes(ExternalFonts().Replace(css, string.Empty));
        }

        return new Asset(content, contentType, $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"@font-face\{[^}]*https://[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex ExternalFonts();

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    [LoggerMessage(EventId = 640, Level = LogLevel.Warning, Message = "The NHS.UK frontend styles were not found when this build was made (run scripts/install-prerequisites.sh, then build again): the inbox pages are unstyled")]
    private static partial void LogMissingStyles(ILogger logger);
}
