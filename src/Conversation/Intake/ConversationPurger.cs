using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Deletes the answers of conversations idle past the timeout, whether or not the patient comes
/// back, so unsubmitted personal data does not linger. Runs every minute.
/// </summary>
public sealed partial class ConversationPurger(
    IConversationStore conversations,
    IntakeEngine engine,
    TimeProvider time,
    IOptions<ConversationOptions> options,
    ILogger<ConversationPurger> logger) : BackgroundService
{
    private const int Batch = 200;

    /// <summary>Markers of expired conversations are kept this long, so a late reply still gets the explanation.</summary>
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(1);

    /// <summary>Most batches in one pass, so a pass always ends; what is left goes on the next.</summary>
    private const int MostBatches = 100;

    /// <summary>One pass, batch after batch until nothing idle is left; returns how many conversations it expired or removed.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var done = 0;
        for (var batch = 0; batch < MostBatches; batch++)
        {
            var idle = await conversations.ListIdleAsync(now - options.Value.IdleTimeout, Batch, cancellationToken);
            foreach (var record in idle)
            {
                // A marker is written to fall idle only when it is due for deletion (see IntakeEngine.ExpireAsync).
                var isMarker = record.State == Step.Expired.ToId();
                var changed = isMarker
                    ? await conversations.TryDeleteAsync(record.Key, record.Version, cancellationToken)
                    : await engine.ExpireAsync(record, cancellationToken);
                done += changed ? 1 : 0;
            }

            if (idle.Count < Batch)
            {
                break;
            }
        }

        return done;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        do
        {
            try
            {
                var count = await PurgeOnceAsync(stoppingToken);
                if (count > 0)
                {
                    LogPurged(logger, count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} idle conversation(s)")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging idle conversations failed ({Error}); will try again")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}
