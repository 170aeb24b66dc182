using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>
/// Posts each queued request's FHIR bundle to its service's webhook, signed (<see cref="FhirWebhookSignature"/>).
/// A delivery is claimed with a lease, so however many hosts run, one posts it; a failure (no answer, a timeout, any
/// status but 2xx) is tried again after 30 s, 1 min, 2 min, ... up to an hour apart, until the receiver takes it or
/// <see cref="FhirWebhookOptions.MaxAttempts"/> is reached. The bundle is made at each attempt from the stored request.
/// </summary>
public sealed partial class FhirWebhookWorker(
    IWebhookStore queue,
    IRequestStore requests,
    RequestBundles bundles,
    IHttpClientFactory http,
    TimeProvider time,
    IOptions<FhirWebhookOptions> options,
    ILogger<FhirWebhookWorker> logger) : BackgroundService
{
    public const string HttpClientName = "fhir-webhook";

    /// <summary>How long a delivery whose request is not (yet) stored is kept waiting for it.</summary>
    private static readonly TimeSpan OrphanWait = TimeSpan.FromMinutes(10);

    private FhirWebhookOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = false;
            try
            {
                handled = await DeliverNextAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store outage must not end the worker: the deliveries wait in the queue.
                LogPassFailed(logger, e.GetType().Name);
            }

            if (handled)
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

    /// <summary>Claims the next due delivery and tries it; false when nothing was due.</summary>
    public async Task<bool> DeliverNextAsync(CancellationToken cancellationToken = default)
    {
        // Neither the claim nor the post is cancelled by a stop: the outcome is written back, not left to the lease.
        var delivery = await queue.ClaimNextDueAsync(time.GetUtcNow(), Settings.Lease, CancellationToken.None).ConfigureAwait(false);
        if (delivery is null)
        {
            return false;
        }

        await queue.UpdateAsync(await AttemptAsync(delivery).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    private async Task<WebhookDelivery> AttemptAsync(WebhookDelivery delivery)
    {
        var now = time.GetUtcNow();
        var request = await requests.GetAsync(delivery.ReferenceId, CancellationToken.None).ConfigureAwait(false);
        if (request is null || request.ServiceId != delivery.ServiceId)
        {
            // Queued just before the request was stored: wait for it, and drop the delivery if it never comes.
            if (now - delivery.CreatedAt > OrphanWait)
            {
                LogDropped(logger, delivery.ServiceId, delivery.ReferenceId);
                return delivery with { Status = WebhookStatus.Failed, Error = "no such request" };
            }

            return delivery with { Status = WebhookStatus.Pending, NextAttemptAt = now + TimeSpan.FromSeconds(10) };
        }

        if (request.Match.Reason == MatchReason.NotYetChecked && now - delivery.CreatedAt < Settings.MatchWait)
        {
            return delivery with { Status = WebhookStatus.Pending, NextAttemptAt = now + Min(Settings.PollInterval, Settings.MatchWait) };
        }

        if (Settings.For(delivery.ServiceId) is not { Url: { } url, Secret: { } secret })
        {
            LogDropped(logger, delivery.ServiceId, delivery.ReferenceId);
            return delivery with { Status = WebhookStatus.Failed, Error = "the service has no webhook now" };
        }

        var attempt = delivery.Attempts + 1;
        var error = await PostAsync(delivery, attempt, request, url, secret).ConfigureAwait(false);
        if (error is null)
        {
            LogDelivered(logger, delivery.ServiceId, delivery.ReferenceId, attempt);
            return delivery with { Status = WebhookStatus.Delivered, Attempts = attempt, DeliveredAt = time.GetUtcNow(), Error = null };
        }

        if (attempt >= Settings.MaxAttempts)
        {
            LogGaveUp(logger, delivery.ServiceId, delivery.ReferenceId, attempt, error);
            return delivery with { Status = WebhookStatus.Failed, Attempts = attempt, Error = error };
        }

        var wait = RetryDelay(attempt, Settings);
        LogRetrying(logger, delivery.ServiceId, delivery.ReferenceId, attempt, error, wait);
        return delivery with { Status = WebhookStatus.Pending, Attempts = attempt, NextAttemptAt = time.GetUtcNow() + wait, Error = error };
    }

    /// <summary>Null when the receiver took it; otherwise why not, without personal data.</summary>
    private async Task<string?> PostAsync(WebhookDelivery delivery, int attempt, ContactRequest request, string url, string secret)
    {
        var body = Encoding.UTF8.GetBytes(FhirJson.Serialize(await bundles.BuildAsync(request, cancellationToken: CancellationToken.None).ConfigureAwait(false)));
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(FhirJson.MediaType) { CharSet = "utf-8" };
        message.Headers.Add(FhirWebhookSignature.Header, FhirWebhookSignature.Sign(secret, time.GetUtcNow(), body));
        message.Headers.Add("PatientContact-Delivery", delivery.Id);
        message.Headers.Add("PatientContact-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(Settings.Timeout, time);
        try
        {
            using var client = http.CreateClient(HttpClientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return "timed out";
        }
        catch (HttpRequestException e)
        {
            return $"no answer ({e.HttpRequestError})";
        }
    }

    /// <summary>The wait after the given failed attempt: the first delay, doubled each time, at most the longest.</summary>
    public static TimeSpan RetryDelay(int failedAttempts, FhirWebhookOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var wait = settings.FirstRetryDelay;
        for (var i = 1; i < failedAttempts && wait < settings.MaxRetryDelay; i++)
        {
            wait *= 2;
        }

        return Min(wait, settings.MaxRetryDelay);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FHIR webhook of {ServiceId} took request {ReferenceId} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string serviceId, string referenceId, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "FHIR webhook of {ServiceId} did not take request {ReferenceId} (attempt {Attempt}: {Error}); trying again in {Wait}")]
    private static partial void LogRetrying(ILogger logger, string serviceId, string referenceId, int attempt, string error, TimeSpan wait);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "FHIR webhook of {ServiceId} never took request {ReferenceId}: given up after {Attempt} attempts ({Error}); the request is in the inbox")]
    private static partial void LogGaveUp(ILogger logger, string serviceId, string referenceId, int attempt, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "FHIR webhook delivery of {ServiceId} for {ReferenceId} dropped: no such request of that service, or no webhook for it any more")]
    private static partial void LogDropped(ILogger logger, string serviceId, string referenceId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "FHIR webhook pass failed ({Error}); the queue is kept and tried again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
