using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// Deletes web chat streams idle past the conversation timeout. The stream repeats what the patient
/// typed, so it goes when the answers go; the widget is then told the conversation has ended (404).
/// Runs every minute.
/// </summary>
public sealed partial class ActivityPurger(
    IActivityStore activities,
    TimeProvider time,
    IOptions<ConversationOptions> options,
    ILogger<ActivityPurger> logger) : BackgroundService
{
    /// <summary>One pass; returns how many batches went.</summary>
    public Task<int> PurgeOnceAsync(CancellationToken cancellationToken) =>
        activities.DeleteIdleAsync(time.GetUtcNow() - options.Value.IdleTimeout, cancellationToken);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} activity batch(es) of idle web chat conversations")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting idle web chat streams failed ({Error}); will try again")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}
