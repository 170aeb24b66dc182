using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Telemetry;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Messaging;

/// <summary>
/// Sends what the outbox holds. Each text is claimed with a lease, so however many workers run, one
/// sends it; its outcome (sent with Twilio's id, retry later, failed with the reason) is written back
/// before the next is claimed. Texts only leave through here, and never to a number that opted out.
/// </summary>
public sealed partial class OutboxDeliveryWorker(
    IOutboxStore outbox,
    IOptOutStore optOuts,
    TwilioMessagesClient twilio,
    DeliveryReports reports,
    TimeProvider time,
    IOptions<OutboxDeliveryOptions> options,
    ILogger<OutboxDeliveryWorker> logger,
    PatientContactTelemetry? telemetry = null,
    PublicAddress? publicAddress = null) : BackgroundService
{
    /// <summary>Texts handled in one pass before the worker looks at its stop signal and the clock again.</summary>
    public const int PassLimit = 100;

    // Twilio accepts a validity period of 1 to 36,000 seconds.
    private const int MaxValidityPeriod = 36_000;

    // Read when used, not when built: a missing setting is reported by start-up validation, with the others.
    private OutboxDeliveryOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, Settings.Mode);
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store outage must not end the worker: the texts wait in the outbox.
                LogPassFailed(logger, e);
            }

            if (handled >= PassLimit)
            {
                continue;
            }

            try
            {
                await Task.Delay(Settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and handles the texts due now, oldest first; returns how many it handled.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var handled = 0;
        while (handled < PassLimit && !cancellationToken.IsCancellationRequested)
        {
            // The claim is not cancelled half way either: a claimed text lost on the way back would wait out its lease.
            var message = await outbox.ClaimNextDueAsync(time.GetUtcNow(), Settings.Lease, CancellationToken.None).ConfigureAwait(false);
            if (message is null)
            {
                break;
            }

            // Not cancelled by a stop: a send under way finishes and its outcome is recorded, so it is
            // not sent again by whoever takes over.
            await DeliverAsync(message).ConfigureAwait(false);
            handled++;
        }

        return handled;
    }

    private async Task DeliverAsync(OutboxMessage message)
    {
        using var span = PatientContactTelemetry.Source.StartActivity("outbox.send");
        span?.SetTag("patientcontact.purpose", message.Purpose.Name());
        var now = time.GetUtcNow();
        if (Settings.Mode == OutboxMode.Hold)
        {
            await outbox.UpdateAsync(message with { Status = OutboxStatus.Held, NextAttemptAt = now }).ConfigureAwait(false);
            LogHeld(logger, message.Id, message.Purpose.Name());
            return;
        }

        if (await optOuts.IsOptedOutAsync(message.To).ConfigureAwait(false))
        {
            await FailAsync(message, message.Attempts, now, "not sent: the recipient has opted out").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(message.From))
        {
            await FailAsync(message, message.Attempts, now, "not sent: no sender number").ConfigureAwait(false);
            return;
        }

        int? validity = null;
        if (message.ValiditySeconds is { } seconds)
        {
            var left = message.CreatedAt.AddSeconds(seconds) - now;
            if (left < TimeSpan.FromSeconds(1))
            {
                await FailAsync(message, message.Attempts, now, "not sent: it expired before it could be sent").ConfigureAwait(false);
                return;
            }

            validity = (int)Math.Min(left.TotalSeconds, MaxValidityPeriod);
        }

        var attempt = message.Attempts + 1;
        var outgoing = new TwilioMessage(message.To, message.From, message.Body, validity, OutboxDeliveryOptions.StatusCallbackFor(publicAddress, message.Id));
        var result = await twilio.SendAsync(outgoing, Settings.SendTimeout, CancellationToken.None).ConfigureAwait(false);
        now = time.GetUtcNow();
        switch (result)
        {
            case TwilioSendResult.Accepted accepted:
                await outbox.UpdateAsync(OutboxSecrets.Settled(message with
                {
                    Status = OutboxStatus.Sent,
                    Attempts = attempt,
                    NextAttemptAt = now,
                    ProviderMessageId = accepted.Sid,
                    Error = null,
                })).ConfigureAwait(false);
                await reports.TakenAsync(message.Id, accepted.Sid).ConfigureAwait(false);
                LogSent(logger, message.Id, message.Purpose.Name(), attempt);
                telemetry?.Sent(message.Purpose, now - message.CreatedAt);
                break;

            case TwilioSendResult.Rejected rejected:
                var error = rejected.ErrorCode is { } code
                    ? string.Create(CultureInfo.InvariantCulture, $"Twilio error {code} (HTTP {rejected.HttpStatus})")
                    : string.Create(CultureInfo.InvariantCulture, $"HTTP {rejected.HttpStatus}");
                await FailAsync(message, attempt, now, error, rejected.ErrorCode).ConfigureAwait(false);
                break;

            case TwilioSendResult.Transient transient when attempt >= Settings.MaxAttempts:
                await FailAsync(message, attempt, now, $"gave up after {attempt} tries: {transient.Reason}").ConfigureAwait(false);
                break;

            case TwilioSendResult.Transient transient:
                var wait = RetryDelay(attempt, transient.RetryAfter);
                await outbox.UpdateAsync(message with
                {
                    Status = OutboxStatus.Pending,
                    Attempts = attempt,
                    NextAttemptAt = now + wait,
                    Error = $"{transient.Reason}; trying again",
                }).ConfigureAwait(false);
                LogRetrying(logger, message.Id, message.Purpose.Name(), attempt, transient.Reason, wait);
                break;
        }
    }

    private async Task FailAsync(OutboxMessage message, int attempts, DateTimeOffset now, string error, int? errorCode = null)
    {
        await outbox.UpdateAsync(OutboxSecrets.Settled(message with { Status = OutboxStatus.Failed, Attempts = attempts, NextAttemptAt = now, Error = error })).ConfigureAwait(false);
        await reports.NotSentAsync(message, errorCode, error).ConfigureAwait(false);
        LogFailed(logger, message.Id, message.Purpose.Name(), error);
        telemetry?.Failed(message.Purpose, now - message.CreatedAt);
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": the n-th retry waits between half and all of
    /// <c>FirstRetryDelay * 2^(n-1)</c> (capped), so workers that failed together do not retry together.
    /// Twilio's Retry-After, when longer, is honoured up to the cap.
    /// </summary>
    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var exponential = Settings.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var ceiling = Math.Min(exponential, Settings.MaxRetryDelay.TotalMilliseconds);
        var fraction = RandomNumberGenerator.GetInt32(0, 1_000_001) / 1_000_000d;
        var wait = TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * fraction));
        if (retryAfter is { } asked && asked > wait)
        {
            wait = asked < Settings.MaxRetryDelay ? asked : Settings.MaxRetryDelay;
        }

        return wait;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox delivery started in {Mode} mode")]
    private static partial void LogStarted(ILogger logger, OutboxMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Text {MessageId} ({Purpose}) sent on try {Attempt}")]
    private static partial void LogSent(ILogger logger, Guid messageId, string purpose, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Text {MessageId} ({Purpose}) held: outbox delivery is off")]
    private static partial void LogHeld(ILogger logger, Guid messageId, string purpose);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Text {MessageId} ({Purpose}) not sent on try {Attempt} ({Reason}); trying again in {Wait}")]
    private static partial void LogRetrying(ILogger logger, Guid messageId, string purpose, int attempt, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "Text {MessageId} ({Purpose}) failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid messageId, string purpose, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox delivery pass failed; the texts stay queued")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
