using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Retention;

/// <summary>
/// Applies the retention policy (<see cref="RetentionOptions"/>, docs/retention.md) on every store: closed requests
/// past their time with their photos, messages and webhook deliveries; old audit lines no stored request needs;
/// the bodies of old texts; numbers long opted back in. Batch by batch, each its own short write, so patients'
/// writes queue behind at most one batch; a pass stops after a bounded number of batches and goes on next time.
/// </summary>
public sealed partial class RetentionPurger(
    IRetentionStore store,
    IAttachmentStore attachments,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<RetentionPurger> logger) : BackgroundService
{
    /// <summary>Most batches of each kind in one pass, so a pass always ends.</summary>
    private const int MostBatches = 100;

    /// <summary>One pass of the whole policy at the current time.</summary>
    public async Task<RetentionPass> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policy = options.Value;
        var requests = await PurgeRequestsAsync(now - policy.ClosedRequests, policy.BatchSize, cancellationToken);
        var audit = await RepeatAsync(limit => store.DeleteAuditAsync(now - policy.Audit, limit, cancellationToken), policy.BatchSize);
        var bodies = await RepeatAsync(limit => store.ClearOutboxBodiesAsync(now - policy.OutboxBodies, limit, cancellationToken), policy.BatchSize);
        var optIns = await RepeatAsync(limit => store.DeleteOptInsAsync(now - policy.OptIns, limit, cancellationToken), policy.BatchSize);
        return new RetentionPass(requests, audit, bodies, optIns);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var pass = await PurgeOnceAsync(stoppingToken);
                if (pass.Total > 0)
                {
                    LogPurged(logger, pass.Requests, pass.AuditLines, pass.OutboxBodies, pass.OptIns);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is down or refused: the next pass tries again. The type only, never data.
                LogPurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<int> PurgeRequestsAsync(DateTimeOffset closedBefore, int batchSize, CancellationToken cancellationToken)
    {
        var removed = 0;
        for (var batch = 0; batch < MostBatches; batch++)
        {
            var closed = await store.ListClosedAsync(closedBefore, batchSize, cancellationToken);
            if (closed.Count == 0)
            {
                break;
            }

            // Photos first: a pass cut off here leaves the request (listed again next time), never a photo no request names.
            var photos = closed.SelectMany(r => r.AttachmentIds).ToList();
            if (photos.Count > 0)
            {
                await attachments.DeleteAsync(photos, cancellationToken);
            }

            removed += await store.DeleteClosedAsync([.. closed.Select(r => r.ReferenceId)], closedBefore, cancellationToken);
            await Task.Yield();
            if (closed.Count < batchSize)
            {
                break;
            }
        }

        return removed;
    }

    private static async Task<int> RepeatAsync(Func<int, Task<int>> batch, int batchSize)
    {
        var total = 0;
        for (var i = 0; i < MostBatches; i++)
        {
            var done = await batch(batchSize);
            total += done;
            if (done < batchSize)
            {
                break;
            }

            await Task.Yield();
        }

        return total;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Retention: removed {Requests} closed requests and {AuditLines} audit lines, emptied {OutboxBodies} text bodies, forgot {OptIns} opted-in numbers")]
    private static partial void LogPurged(ILogger logger, int requests, int auditLines, int outboxBodies, int optIns);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Retention pass failed ({Error}); it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}

/// <summary>What one retention pass removed.</summary>
public sealed record RetentionPass(int Requests, int AuditLines, int OutboxBodies, int OptIns)
{
    public int Total => Requests + AuditLines + OutboxBodies + OptIns;
}
