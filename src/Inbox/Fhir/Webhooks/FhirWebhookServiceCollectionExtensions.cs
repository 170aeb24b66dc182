using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>Registers the FHIR webhook when <c>FhirWebhook:Services</c> names any service.</summary>
public static class FhirWebhookServiceCollectionExtensions
{
    /// <summary>
    /// Validates <c>FhirWebhook</c> at start, puts the queue in front of the request store (registered before this),
    /// and runs the worker. Without any service configured it only validates.
    /// </summary>
    public static IServiceCollection AddFhirWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FhirWebhookOptions>().BindConfiguration(FhirWebhookOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FhirWebhookOptions>, FhirWebhookOptionsValidation>());
        if (!configuration.GetSection($"{FhirWebhookOptions.Section}:Services").GetChildren().Any())
        {
            return services;
        }

        var index = services.ToList().FindLastIndex(d => d.ServiceType == typeof(IRequestStore) && !d.IsKeyedService);
        if (index < 0)
        {
            throw new InvalidOperationException("Register the stores before the FHIR webhook: it queues each new request in front of the request store.");
        }

        var store = services[index];
        services[index] = ServiceDescriptor.Singleton<IRequestStore>(sp => ActivatorUtilities.CreateInstance<WebhookQueueingRequestStore>(sp, Create(sp, store)));
        // No redirects: a receiver's redirect must not send patient data somewhere else.
        services.AddHttpClient(FhirWebhookWorker.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService<FhirWebhookWorker>();
        return services;
    }

    private static IRequestStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IRequestStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
