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
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            var type = descriptor.ServiceType;
            if (!type.IsInterface || type.Namespace != typeof(IRequestStore).Namespace || !type.Name.EndsWith("Store", StringComparison.Ordinal)
                || descriptor.Lifetime != ServiceLifetime.Singleton || descriptor.IsKeyedService)
            {
                continue;
            }

            var wrap = typeof(TracedStore<>).MakeGenericType(type).GetMethod(nameof(TracedStore<IRequestStore>.Wrap))!;
            services[i] = ServiceDescriptor.Singleton(type, sp => wrap.Invoke(null, [Create(sp, descriptor), system])!);
        }

        return services;
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
