using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Once a minute, deletes what conversations idle past the timeout leave behind, whether or not the patient
/// comes back, so unsubmitted personal data does not linger: their answers (<see cref="PurgeOnceAsync"/>)
/// and their web chat streams (<see cref="PurgeStreamsOnceAsync"/>), which repeat what the patient typed and
/// so go with the answers; the widget is then told the conversation has ended (404).
/// </summary>
public sealed partial class ConversationPurger(
    IConversationStore conversations,
    IntakeEngine engine,
    TimeProvider time,
    IOptions<ConversationOptions> options,
    ILogger<ConversationPurger> logger,
    IActivityStore? activities = null,
    IInputIndex? inputs = null) : BackgroundService
{
    private const int Batch = 200;

    /// <summary>Most batches in one pass, so a pass always ends; what is left goes on the next.</summary>
    private const int MostBatches = 100;

    /// <summary>Markers of expired conversations are kept this long, so a late reply still gets the explanation.</summary>
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(1);

    /// <summary>One pass over the answers, batch after batch until nothing idle is left; returns how many conversations it expired or removed.</summary>
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

    /// <summary>One pass over the web chat streams: whole streams idle past the timeout go; returns how many batches went.</summary>
    public Task<int> PurgeStreamsOnceAsync(CancellationToken cancellationToken) =>
        activities is null ? Task.FromResult(0) : activities.DeleteIdleAsync(time.GetUtcNow() - options.Value.IdleTimeout, cancellationToken);

    /// <summary>One pass over the applied inputs: those older than <see cref="ConversationOptions.InputMemory"/> go; returns how many.</summary>
    public async Task<int> PurgeInputsOnceAsync(CancellationToken cancellationToken)
    {
        if (inputs is null)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - options.Value.InputMemory;
        var done = 0;
        for (var batch = 0; batch < MostBatches; batch++)
        {
            var deleted = await inputs.DeleteOlderThanAsync(cutoff, Batch * 5, cancellationToken);
            done += deleted;
            if (deleted < Batch * 5)
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
            // Each part on its own: a store fault in one does not keep the other from running.
            await RunPartAsync("idle conversations", PurgeOnceAsync, count => LogPurged(logger, count), stoppingToken);
            await RunPartAsync("idle web chat streams", PurgeStreamsOnceAsync, count => LogStreamsPurged(logger, count), stoppingToken);
            await RunPartAsync("remembered inputs", PurgeInputsOnceAsync, count => LogInputsPurged(logger, count), stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunPartAsync(string what, Func<CancellationToken, Task<int>> part, Action<int> logDone, CancellationToken stoppingToken)
    {
        try
        {
            var count = await part(stoppingToken);
            if (count > 0)
            {
                logDone(count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPurgeFailed(logger, what, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} idle conversation(s)")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} activity batch(es) of idle web chat conversations")]
    private static partial void LogStreamsPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Forgot {Count} applied input(s) past Conversation:InputMemory")]
    private static partial void LogInputsPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging {What} failed ({Error}); will try again")]
    private static partial void LogPurgeFailed(ILogger logger, string what, string error);
}
