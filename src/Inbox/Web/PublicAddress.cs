using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Web;

/// <summary>
/// Where the service is reached from outside: every URL the service hands out (web chat stream,
/// patient links, the sign-in return address, the Content-Security-Policy's socket origin) is built
/// from <c>PublicBaseUrl</c>, never from the request's <c>Host</c> header or scheme, which a proxy or
/// a client can change. Only when <c>PublicBaseUrl</c> is not set (Development, tests of one
/// process) does the request's own origin stand in.
/// </summary>
public sealed class PublicAddress(IOptions<PublicAddressOptions> options)
{
    private readonly string? _configured = options.Value.PublicBaseUrl?.TrimEnd('/');

    /// <summary>The configured <c>PublicBaseUrl</c> without a trailing slash, or null.</summary>
    public string? Configured => _configured;

    /// <summary>The configured <c>PublicBaseUrl</c> exactly as set (Twilio signs the address as it was given), or null.</summary>
    public string? AsSet => options.Value.PublicBaseUrl;

    /// <summary>The public origin and base path, e.g. <c>https://contact.example.nhs.uk</c> (no trailing slash).</summary>
    public string Origin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _configured ?? $"{request.Scheme}://{request.Host.Value}{request.PathBase}";
    }

    /// <summary>The same address for a WebSocket: <c>wss://</c> for an https deployment, <c>ws://</c> for http.</summary>
    public string WebSocketOrigin(HttpRequest request) => ToWebSocket(Origin(request));

    /// <summary>The WebSocket form of an http(s) address.</summary>
    public static string ToWebSocket(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return origin.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + origin["https://".Length..]
            : origin.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + origin["http://".Length..]
            : origin;
    }

    /// <summary>Scheme, host and port only (for a Content-Security-Policy source), e.g. <c>wss://contact.example.nhs.uk</c>.</summary>
    public string WebSocketSource(HttpRequest request)
    {
        var origin = WebSocketOrigin(request);
        var authorityStart = origin.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = origin.IndexOf('/', authorityStart);
        return pathStart < 0 ? origin : origin[..pathStart];
    }
}
