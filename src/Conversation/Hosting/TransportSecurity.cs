using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// Outside Development, with an https <c>PublicBaseUrl</c>: every request is taken as the HTTPS request
/// it was at the load balancer, and every answer carries <c>Strict-Transport-Security</c>.
/// </summary>
/// <remarks>
/// TLS ends at the load balancer (docs/deployment.md), so the request reaching Kestrel is plain HTTP.
/// The public scheme is the configured one: cookies are then marked <c>Secure</c> (the anti-forgery
/// check requires it), and the web chat's stream address and Content-Security-Policy say <c>wss:</c>,
/// as an https page needs. The header is written on every answer rather than by ASP.NET Core's HSTS
/// middleware, which writes it only for requests this process saw over HTTPS itself and never for
/// localhost; browsers ignore it on plain HTTP.
/// </remarks>
public static class TransportSecurity
{
    /// <summary>A year, the value the HSTS preload list asks for.</summary>
    public const string HeaderValue = "max-age=31536000";

    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Environment.IsDevelopment()
            || !Uri.TryCreate(app.Services.GetRequiredService<PublicAddress>().Configured, UriKind.Absolute, out var publicBase)
            || publicBase.Scheme != Uri.UriSchemeHttps)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            context.Request.Scheme = Uri.UriSchemeHttps;
            context.Response.Headers.StrictTransportSecurity = HeaderValue;
            return next(context);
        });
        return app;
    }
}
