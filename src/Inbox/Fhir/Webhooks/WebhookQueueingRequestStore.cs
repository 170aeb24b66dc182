using Microsoft.Extensions.Options;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>
/// The request store with the FHIR webhook's queue in front of new requests: a request of a service with a webhook
/// has its delivery queued before the request itself is stored, so a stop between the two writes can leave a
/// delivery with no request (the worker drops it) but never a request that is not posted. Everything else passes
/// straight through.
/// </summary>
public sealed class WebhookQueueingRequestStore(IRequestStore inner, IWebhookStore webhooks, IOptions<FhirWebhookOptions> options, TimeProvider time) : IRequestStore
{
    public async Task<AddResult> AddAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.For(request.ServiceId) is not null)
        {
            var now = time.GetUtcNow();
            await webhooks.EnqueueAsync(new WebhookDelivery
            {
                Id = WebhookDelivery.IdFor(request.ServiceId, request.ReferenceId),
                ServiceId = request.ServiceId,
                ReferenceId = request.ReferenceId,
                CreatedAt = now,
                NextAttemptAt = now,
            }, cancellationToken).ConfigureAwait(false);
        }

        return await inner.AddAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public Task<ContactRequest?> GetAsync(string referenceId, CancellationToken cancellationToken = default) => inner.GetAsync(referenceId, cancellationToken);

    public Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public Task<bool> TryUpdateAsync(ContactRequest request, CancellationToken cancellationToken = default) => inner.TryUpdateAsync(request, cancellationToken);

    public Task<bool> TryUpdateAsync(ContactRequest request, AuditEntry audit, CancellationToken cancellationToken = default) => inner.TryUpdateAsync(request, audit, cancellationToken);

    public Task<long> CountSinceAsync(string serviceId, DateTimeOffset since, CancellationToken cancellationToken = default) => inner.CountSinceAsync(serviceId, since, cancellationToken);

    public Task<ContactRequest?> LatestForPhoneAsync(string serviceId, string phone, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        inner.LatestForPhoneAsync(serviceId, phone, since, cancellationToken);

    public Task<IReadOnlyList<ContactRequest>> ListUnmatchedAsync(MatchReason reason, int limit, CancellationToken cancellationToken = default) =>
        inner.ListUnmatchedAsync(reason, limit, cancellationToken);

    public Task<IReadOnlyList<RequestFacts>> ListFactsAsync(IReadOnlyCollection<string> serviceIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        inner.ListFactsAsync(serviceIds, from, to, cancellationToken);
}
