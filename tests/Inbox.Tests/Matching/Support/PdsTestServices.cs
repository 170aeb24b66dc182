using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Matching;
using PatientContact.Tests.Support;

namespace PatientContact.Inbox.Tests.Matching.Support;

/// <summary>The matching services as the host registers them (<c>AddMatching</c>), pointed at a fake PDS.</summary>
public static class PdsTestServices
{
    public static ServiceProvider Build(
        FakePds pds,
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        CapturedLogs? logs = null,
        string environment = "Development",
        Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Pds:BaseUrl"] = pds.BaseUrl.ToString(),
            // Short and few, so failure tests stay fast; each test that cares sets its own.
            ["Pds:Resilience:AttemptTimeout"] = "00:00:02",
            ["Pds:Resilience:TotalTimeout"] = "00:00:05",
            ["Pds:Resilience:RetryDelay"] = "00:00:00",
            ["Pds:Resilience:MaxRetries"] = "2",
            ["Pds:Resilience:MinimumThroughput"] = "100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        collection.AddMatching(configuration, new HostingEnvironment { EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory });
        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }
}
