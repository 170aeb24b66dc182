using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PatientContact.Inbox.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>The retention policy (section <c>Retention</c>, checked at start) and its purger; the store registers <see cref="Storage.IRetentionStore"/>.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RetentionPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPurger>());
        return services;
    }
}
