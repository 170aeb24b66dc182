using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Readiness of the MongoDB store: a primary answers a ping within <see cref="MongoStorageOptions.HealthTimeout"/>
/// and the indexes are in place (created now if they were not yet).
/// </summary>
public sealed class MongoStoreHealth(MongoStorage storage) : IStoreHealth
{
    private static readonly BsonDocument Ping = new("ping", 1);

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
            return (false, Shorten($"MongoDB did not answer within {storage.Options.HealthTimeout.TotalSeconds:0.#} s ({Servers()})"));
        }
        catch (Exception ex)
        {
            // Type and a short message only: enough to act on. Server and driver messages name hosts and
            // codes, never documents, and the connection string (with any password) is not in them.
            return (false, Shorten($"MongoDB unavailable ({ex.GetType().Name}: {Innermost(ex).Message}) ({Servers()})"));
        }
    }

    /// <summary>What the driver's monitoring last saw of each server: address, state and why it failed.</summary>
    private string Servers()
    {
        var servers = storage.Database.Client.Cluster.Description.Servers;
        return servers.Count == 0
            ? "no server known yet"
            : string.Join("; ", servers.Select(server =>
                $"{Address(server.EndPoint)} {server.State}{(server.HeartbeatException is { } failure ? ": " + Innermost(failure).Message : "")}"));
    }

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
        message.Length <= 300 ? message : message[..300];
}
