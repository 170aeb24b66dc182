using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Benchmarks;

/// <summary>A host of the real rules and a SQLite file (WAL) in a temporary folder, as the benchmarks use them; gone at <see cref="Dispose"/>.</summary>
public sealed class BenchmarkHost : IDisposable
{
    public const string DatabaseFile = "bench.db";

    private readonly IHost _host;

    /// <param name="prefix">The temporary folder's name starts with this.</param>
    /// <param name="services">What the benchmark adds to the storage and the rules.</param>
    /// <param name="copyOf">A database file to start from (copied in), instead of an empty one.</param>
    /// <param name="parent">Where the temporary folder goes; the system's temp folder when null.</param>
    public BenchmarkHost(string prefix, Action<IServiceCollection> services, string? copyOf = null, string? parent = null)
    {
        Directory = parent is null
            ? System.IO.Directory.CreateTempSubdirectory(prefix).FullName
            : System.IO.Directory.CreateDirectory(Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"))).FullName;
        if (copyOf is not null)
        {
            File.Copy(copyOf, Path.Combine(Directory, DatabaseFile));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ContentRootPath = Directory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Directory"] = EngineBenchmarks.FindRules(),
            ["Storage:Sqlite:Path"] = DatabaseFile,
            ["Verification:HashKey"] = Convert.ToBase64String(new byte[32]),
        });
        builder.Services.AddRules(builder.Configuration);
        builder.Services.AddStorage(builder.Configuration, builder.Environment);
        services(builder.Services);
        _host = builder.Build();
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, DatabaseFile);

    public IServiceProvider Services => _host.Services;

    public void Dispose()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
