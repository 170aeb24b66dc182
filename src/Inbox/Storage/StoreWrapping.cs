using Microsoft.Extensions.DependencyInjection;

namespace PatientContact.Inbox.Storage;

/// <summary>Puts a wrapper (a span per call, Development's injected faults) around stores already registered.</summary>
public static class StoreWrapping
{
    /// <summary>
    /// Replaces each singleton, unkeyed interface of this namespace that <paramref name="include"/> accepts with
    /// <c>wrapper&lt;TStore&gt;.Wrap(inner, argument)</c>, the inner store made as its registration said.
    /// </summary>
    /// <param name="wrapper">An open generic type with <c>public static TStore Wrap(TStore inner, TArgument argument)</c>.</param>
    public static IServiceCollection WrapStores(this IServiceCollection services, Type wrapper, object argument, Func<Type, bool> include)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(wrapper);
        ArgumentNullException.ThrowIfNull(include);
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            var type = descriptor.ServiceType;
            if (!type.IsInterface || type.Namespace != typeof(IRequestStore).Namespace
                || descriptor.Lifetime != ServiceLifetime.Singleton || descriptor.IsKeyedService || !include(type))
            {
                continue;
            }

            var wrap = wrapper.MakeGenericType(type).GetMethod("Wrap")!;
            services[i] = ServiceDescriptor.Singleton(type, sp => wrap.Invoke(null, [Create(sp, descriptor), argument])!);
        }

        return services;
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
