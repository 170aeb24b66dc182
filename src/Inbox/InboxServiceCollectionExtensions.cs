using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Retention;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Telemetry;

namespace PatientContact.Inbox;

/// <summary>
/// The Inbox project in one pair, <c>builder.Services.AddInbox(…)</c> and <c>app.MapInbox()</c>: the stores (with a
/// trace span per call), the outbound texts and their delivery worker, the retention purger, PDS matching and the staff inbox. Needs the
/// rules registered too (<c>AddRules</c>), before or after; it adds no middleware, so where it is mapped does not matter.
/// </summary>
public static class InboxServiceCollectionExtensions
{
    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddStorage(configuration, environment);
        services.AddStoreFaults(configuration);
        if (Telemetry.PatientContactTelemetry.TracesOn(configuration))
        {
            services.TraceStores(configuration["Storage:Provider"] ?? "Sqlite");
        }

        services.AddOutboundSender();
        services.AddOutboxDelivery();
        services.AddRetention();
        services.AddMatching(configuration, environment);
        services.AddStaffInbox(configuration);
        return services;
    }

    /// <summary>Maps the staff inbox: <c>/inbox</c> (pages), <c>/inbox/assets</c> (styles) and <c>/api/inbox</c> (JSON).</summary>
    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app) => app.MapStaffInbox();
}
