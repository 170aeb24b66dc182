using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Matching;

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

/// <summary>Every log line written, formatted, with its structured values and exception, for checking what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string All => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
