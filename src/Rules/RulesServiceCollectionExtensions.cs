using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PatientContact.Rules;

/// <summary>Registers the rules: <c>builder.Services.AddRules(builder.Configuration)</c>.</summary>
public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RulesOptions"/> from the <c>Rules</c> section and registers a <see cref="FileRuleBookProvider"/>
    /// as the singleton <see cref="IRuleBookProvider"/>, loaded when the host starts so broken rules stop start-up.
    /// </summary>
    public static IServiceCollection AddRules(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RulesOptions>().Bind(configuration.GetSection(RulesOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new FileRuleBookProvider(
            sp.GetRequiredService<IOptions<RulesOptions>>(),
            sp.GetService<ILogger<FileRuleBookProvider>>() ?? NullLogger<FileRuleBookProvider>.Instance,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRuleBookProvider>(sp => sp.GetRequiredService<FileRuleBookProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RulesStartupCheck>());
        return services;
    }
}
