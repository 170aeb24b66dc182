using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PatientContact.Inbox.Telemetry;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// OpenTelemetry: traces (each HTTP request, the turn it runs, every store call, and outbound HTTP to
/// Twilio and PDS) and metrics (the <c>PatientContact</c> meter, ASP.NET Core's and HttpClient's).
/// Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables
/// apply). Without an exporter no spans are made (<see cref="PatientContactTelemetry.TracesOn"/>;
/// <c>Telemetry:Traces=true</c> makes them anyway, for a debugger or a test's in-memory exporter);
/// metrics are always kept, for the same exporter or an operator's own reader.
/// </summary>
/// <remarks>
/// No URL path or query is exported: paths carry reference IDs, conversation ids and, to PDS, NHS
/// numbers. Server spans keep the route template (<c>/inbox/requests/{referenceId}</c>); client spans
/// keep the scheme, host and port only.
/// </remarks>
public static class TelemetryServiceCollectionExtensions
{
    public const string OtlpEndpointVariable = PatientContactTelemetry.OtlpEndpointVariable;

    public static IServiceCollection AddPatientContactTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.TryAddSingleton<PatientContactTelemetry>();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(PatientContactTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddMeter(PatientContactTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (PatientContactTelemetry.TracesOn(configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(PatientContactTelemetry.Name)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.EnrichWithHttpResponse = (activity, response) => KeepRouteOnly(activity, response.HttpContext);
                    // Health probes every few seconds are noise, not traffic.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
                })
                .AddHttpClientInstrumentation(options =>
                {
                    options.EnrichWithHttpRequestMessage = (activity, request) => KeepOriginOnly(activity, request.RequestUri);
                }));
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    private static void KeepRouteOnly(Activity activity, HttpContext context)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", route is null ? null : "/" + route.TrimStart('/'));
        activity.SetTag("url.query", null);
    }

    private static void KeepOriginOnly(Activity activity, Uri? uri)
    {
        activity.SetTag("url.full", uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : null);
        activity.SetTag("url.path", null);
        activity.SetTag("url.query", null);
    }
}
