using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// The real service on a real Kestrel, listening on 127.0.0.1 only, with its own SQLite file.
/// It can be stopped and started again on the same port and file, as a restart would.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private WebApplicationFactory<Program>? _factory;

    private ServiceHost(int port, string dataDirectory, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Port = port;
        DataDirectory = dataDirectory;
        _settings = settings;
        _services = services;
    }

    public int Port { get; }
    public string DataDirectory { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts the service in Development with the demo services; <paramref name="settings"/> override configuration.</summary>
    public static async Task<ServiceHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null)
    {
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pc-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "patientcontact.db"),
            ["Rules:Directory"] = Path.Combine(RepoPaths.Root, "rules"),
            ["PublicBaseUrl"] = $"http://127.0.0.1:{port}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Action<IServiceCollection>? configure = services;
        if (time is not null)
        {
            configure = s =>
            {
                s.RemoveAll<TimeProvider>();
                s.AddSingleton(time);
                services?.Invoke(s);
            };
        }

        var host = new ServiceHost(port, dataDirectory, all, configure);
        await host.StartAsync();
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Stops the process's web host and starts a new one on the same port and data: a restart.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder if a file is still held.
        }
    }

    private Task StartAsync()
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }

            if (_services is not null)
            {
                builder.ConfigureTestServices(_services);
            }
        });
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
        factory.StartServer();
        _factory = factory;
        return Task.CompletedTask;
    }

    private async Task StopAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory = null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
