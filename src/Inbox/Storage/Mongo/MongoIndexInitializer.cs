using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Creates the indexes when the service starts. An unreachable server does not stop start-up: it is
/// logged, <c>/health/ready</c> answers 503, and the first operation once the server is back creates them.
/// </summary>
public sealed partial class MongoIndexInitializer(MongoStorage storage, ILogger<MongoIndexInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureIndexesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or MongoConnectionException)
        {
            LogUnreachable(logger, storage.DatabaseName, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "MongoDB could not be reached at start-up for database {Database} ({Error}); the indexes will be created on first use and /health/ready answers 503 until then")]
    private static partial void LogUnreachable(ILogger logger, string database, string error);
}
