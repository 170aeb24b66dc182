using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Telemetry;

/// <summary>Every store registered so far (<c>I…Store</c> in PatientContact.Inbox.Storage) gets a span per call.</summary>
public static class StoreTracing
{
    /// <param name="services">The registrations, with the stores among them.</param>
    /// <param name="provider">The <c>Storage:Provider</c> setting, named on each span as the database system.</param>
    public static IServiceCollection TraceStores(this IServiceCollection services, string provider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(provider);
        var system = provider.Equals("MongoDb", StringComparison.OrdinalIgnoreCase) ? "mongodb" : "sqlite";
        return services.WrapStores(typeof(TracedStore<>), system, type => type.Name.EndsWith("Store", StringComparison.Ordinal));
    }
}
