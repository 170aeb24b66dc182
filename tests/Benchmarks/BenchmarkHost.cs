using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Hosting;
using PatientContact.Rules;

namespace PatientContact.Benchmarks;

/// <summary>A host of the real rules and a SQLite file (WAL) in a temporary folder, as the benchmarks use them; gone at <see cref="Dispose"/>.</summary>
public sealed class BenchmarkHost : IDisposable
{
    private readonly IHost _host;

    public BenchmarkHost(string prefix, Action<IServiceCollection> services)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ContentRootPath = Directory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Directory"] = EngineBenchmarks.FindRules(),
            ["Storage:Sqlite:Path"] = "bench.db",
            ["Verification:HashKey"] = Convert.ToBase64String(new byte[32]),
        });
        builder.Services.AddRules(builder.Configuration);
        builder.Services.AddStorage(builder.Configuration, builder.Environment);
        services(builder.Services);
        _host = builder.Build();
    }

    public string Directory { get; }

    public IServiceProvider Services => _host.Services;

    public void Dispose()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
