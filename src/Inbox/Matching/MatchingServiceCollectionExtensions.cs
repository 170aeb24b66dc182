using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Matching;

/// <summary>Registers PDS matching: the client, the policy and the background worker. Needs the stores registered too.</summary>
public static class MatchingServiceCollectionExtensions
{
    /// <summary>The most a PDS answer may hold: 50 patients with their details are far below this.</summary>
    private const long MaxResponseBytes = 4 * 1024 * 1024;

    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<PdsOptions>().BindConfiguration(PdsOptions.SectionName).ValidateOnStart();
        services.AddPublicAddress();
        services.AddSingleton<IPostConfigureOptions<PdsOptions>>(sp => new PdsDevelopmentDefaults(sp.GetRequiredService<IOptions<PublicAddressOptions>>(), environment));
        services.AddSingleton<IValidateOptions<PdsOptions>>(new PdsOptionsValidator(environment));
        services.AddOptions<MatchingOptions>().BindConfiguration("Matching").ValidateDataAnnotations().ValidateOnStart();

        // No HttpClient logging: the default handlers log the request URL, and a PDS search URL holds
        // names and dates of birth. The client logs its own outcome without them.
        services.AddHttpClient(PdsClient.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.MaxResponseContentBufferSize = MaxResponseBytes;
        }).RemoveAllLoggers();
        services.AddHttpClient(PdsAccessTokens.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(30);
            client.MaxResponseContentBufferSize = MaxResponseBytes;
        }).RemoveAllLoggers();

        services.TryAddSingleton<PdsAccessTokens>();
        services.TryAddSingleton<IPdsClient, PdsClient>();
        services.TryAddSingleton<PatientMatcher>();
        services.TryAddSingleton<RequestMatching>();
        services.TryAddSingleton<MatchingSignal>();
        services.AddHostedService<MatchingWorker>();
        return services;
    }
}
