using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Matching;

/// <summary>
/// Matches submitted requests in the background, so a submission never waits for PDS: it polls for
/// requests "not yet checked" (or wakes at once on <see cref="MatchingSignal"/>), and now and then
/// tries again those PDS did not answer.
/// </summary>
public sealed partial class MatchingWorker(
    RequestMatching matching,
    MatchingSignal signal,
    IOptions<MatchingOptions> options,
    TimeProvider time,
    ILogger<MatchingWorker> logger) : BackgroundService
{
    private readonly MatchingOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRetrySweep = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await matching.RunPendingAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() >= nextRetrySweep)
                {
                    await matching.RunDueRetriesAsync(stoppingToken).ConfigureAwait(false);
                    nextRetrySweep = time.GetUtcNow() + _options.RetrySweepInterval;
                }

                await signal.WaitAsync(_options.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store may be briefly unreachable; matching waits and carries on, and the host keeps running.
                LogSweepFailed(logger, e);
                try
                {
                    await Task.Delay(_options.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A matching sweep failed; it will run again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
