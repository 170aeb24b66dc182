using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Readiness of the MongoDB store: a primary answers a ping within <see cref="MongoStorageOptions.HealthTimeout"/>
/// and the indexes are in place (created now if they were not yet).
/// </summary>
public sealed partial class MongoStoreHealth(MongoStorage storage, ILogger<MongoStoreHealth>? logger = null) : IStoreHealth
{
    private static readonly BsonDocument Ping = new("ping", 1);

    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <remarks>
    /// The answer (shown to anyone who can reach <c>/health/ready</c>) names no host, port or replica set
    /// member: only exception types and how many servers are known and connected. What the driver said
    /// in full, addresses and all, goes to the log for the operator.
    /// </remarks>
    public async Task<(bool Healthy, string? Reason)> CheckAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(storage.Options.HealthTimeout);
        try
        {
            await storage.Database.RunCommandAsync<BsonDocument>(Ping, ReadPreference.Primary, timeout.Token).ConfigureAwait(false);
            await storage.EnsureIndexesAsync(timeout.Token).ConfigureAwait(false);
            return (true, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            LogUnhealthy(_logger, "no answer in time", Servers());
            return (false, $"MongoDB did not answer within {storage.Options.HealthTimeout.TotalSeconds:0.#} s ({Summary()})");
        }
        catch (Exception ex)
        {
            LogUnhealthy(_logger, Shorten(ex.Message), Servers());
            return (false, $"MongoDB unavailable ({ex.GetType().Name}; {Summary()})");
        }
    }

    /// <summary>Counts and failure kinds only, for the readiness answer.</summary>
    private string Summary()
    {
        var servers = storage.Database.Client.Cluster.Description.Servers;
        if (servers.Count == 0)
        {
            return "no server known yet";
        }

        var connected = servers.Count(s => s.State == MongoDB.Driver.Core.Servers.ServerState.Connected);
        var failures = servers
            .Select(s => s.HeartbeatException is { } failure ? Kind(Innermost(failure)) : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return $"{servers.Count} server(s) known, {connected} connected" + (failures.Count > 0 ? ", last failure " + string.Join(", ", failures) : "");
    }

    /// <summary>What the driver's monitoring last saw of each server: address, state and why it failed (for the log).</summary>
    private string Servers()
    {
        var servers = storage.Database.Client.Cluster.Description.Servers;
        return servers.Count == 0
            ? "no server known yet"
            : Shorten(string.Join("; ", servers.Select(server =>
                $"{Address(server.EndPoint)} {server.State}{(server.HeartbeatException is { } failure ? ": " + Innermost(failure).Message : "")}")));
    }

    private static string Kind(Exception exception) =>
        exception is SocketException socket ? socket.SocketErrorCode.ToString() : exception.GetType().Name;

    private static string Address(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }
        return exception;
    }

    private static string Shorten(string message) =>
        message.Length <= 500 ? message : message[..500];

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB is not ready: {Problem} (servers: {Servers})")]
    private static partial void LogUnhealthy(ILogger logger, string problem, string servers);
}
