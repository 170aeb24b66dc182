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
            return (false, $"MongoDB did not answer within {storage.Options.HealthTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex)
        {
            // Type and a short message only: enough to act on. Server and driver messages name hosts and
            // codes, never documents, and the connection string (with any password) is not in them.
            return (false, $"MongoDB unavailable ({ex.GetType().Name}): {Shorten(ex.Message)}");
        }
    }

    private static string Shorten(string message) =>
        message.Length <= 200 ? message : message[..200];
}
