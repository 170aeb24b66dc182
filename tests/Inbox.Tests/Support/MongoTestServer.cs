using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MongoDB.Driver;

namespace PatientContact.Tests.Support;

/// <summary>
/// The MongoDB server the tests run against, once per test run: a real MongoDB when the environment
/// variable <c>PATIENTCONTACT_TEST_MONGODB</c> holds its connection string, otherwise the
/// MongoDB-wire-compatible test server from the npm package <c>@jongodb/memory-server-bin-linux-x64-gnu</c>
/// (installed by <c>scripts/install-prerequisites.sh</c>), started standalone on a free loopback port
/// and killed when the tests end. Each test uses a database of its own.
/// </summary>
public sealed class MongoTestServer : IAsyncDisposable, IDisposable
{
    public const string EnvironmentVariable = "PATIENTCONTACT_TEST_MONGODB";

    private const string ReadyMarker = "JONGODB_URI=";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process? _process;
    private readonly List<string> _databases = [];
    private readonly Lock _gate = new();
    private MongoClient? _client;

    public MongoTestServer()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            IsRealServer = true;
            return;
        }

        (_process, ConnectionString) = StartEmulator();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    /// <summary>Where the server is; for the emulator, <c>mongodb://127.0.0.1:PORT/test</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// True for a real MongoDB. The emulator is not atomic for concurrent <c>findAndModify</c> and
    /// cannot drop databases, so what depends on those runs only against a real server.
    /// </summary>
    public bool IsRealServer { get; }

    /// <summary>A client shared by the tests (the service has one per process too).</summary>
    public IMongoClient Client
    {
        get
        {
            lock (_gate)
            {
                return _client ??= new MongoClient(ClientSettings());
            }
        }
    }

    public MongoClientSettings ClientSettings()
    {
        var settings = MongoClientSettings.FromConnectionString(ConnectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        return settings;
    }

    /// <summary>A database name no other test uses; dropped at the end on a real server.</summary>
    public string NewDatabaseName(string prefix = "pc")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        lock (_gate)
        {
            _databases.Add(name);
        }
        return name;
    }

    /// <summary>Drops a test's database on a real server; the emulator has no dropDatabase and goes away whole at the end.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        if (IsRealServer)
        {
            await Client.DropDatabaseAsync(name);
        }
    }

    /// <summary>A loopback port with nothing listening on it: a MongoDB that cannot be reached.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _client?.Dispose();
            _client = null;
        }
        Kill();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static (Process Process, string ConnectionString) StartEmulator()
    {
        var binary = FindEmulator();
        Exception? last = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var port = ClosedPort();
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(binary)
                {
                    // Standalone: in its replica-set profile the test server refuses the driver's
                    // heartbeat (a hello with readPreference primaryPreferred), so the driver clears
                    // its connection pool every heartbeat and operations fail now and then.
                    ArgumentList = { "--host=127.0.0.1", $"--port={port}" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                },
            };
            var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var errors = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith(ReadyMarker, StringComparison.Ordinal))
                {
                    ready.TrySetResult(line[ReadyMarker.Length..].Trim());
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (errors)
                    {
                        errors.AppendLine(line);
                    }
                }
            };
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The MongoDB test server exited at start: {errors}"));
            process.EnableRaisingEvents = true;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var uri = ready.Task.WaitAsync(StartTimeout).GetAwaiter().GetResult();
                return (process, uri);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Most likely the port was taken between choosing it and binding it: try another.
                last = ex;
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
                process.Dispose();
            }
        }
        throw new InvalidOperationException("The MongoDB test server did not start.", last);
    }

    private static string FindEmulator()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientContact.sln")))
            {
                var binary = Path.Combine(dir.FullName, "node_modules", "@jongodb", "memory-server-bin-linux-x64-gnu", "bin", "jongodb");
                return File.Exists(binary)
                    ? binary
                    : throw new InvalidOperationException(
                        $"The MongoDB test server is not installed at {binary}. Run scripts/install-prerequisites.sh (test.sh does), or set {EnvironmentVariable} to a MongoDB connection string.");
            }
        }
        throw new InvalidOperationException("PatientContact.sln not found above the test folder.");
    }
}

/// <summary>Test classes that use the one MongoDB test server; xUnit starts it before the first and stops it after the last.</summary>
[CollectionDefinition(Name)]
public sealed class MongoServerCollection : ICollectionFixture<MongoTestServer>
{
    public const string Name = "MongoDB server";
}
