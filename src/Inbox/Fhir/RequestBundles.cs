using Hl7.Fhir.Model;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Web;
using PatientContact.Rules;

namespace PatientContact.Inbox.Fhir;

/// <summary>Makes a stored request's FHIR bundle with what it needs from the stores and the rules (the API and the webhook share it).</summary>
public sealed class RequestBundles(IMessageStore messages, IRuleBookProvider rules, PublicAddress address, TimeProvider time)
{
    /// <param name="request">The stored request.</param>
    /// <param name="publicBaseUrl">The deployment's address; null for <c>PublicBaseUrl</c>.</param>
    public async Task<Bundle> BuildAsync(ContactRequest request, string? publicBaseUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseUrl = publicBaseUrl ?? address.Configured
            ?? throw new InvalidOperationException("PublicBaseUrl must be set for a FHIR export made outside a web request.");
        var thread = await messages.ListForRequestAsync(request.ReferenceId, cancellationToken).ConfigureAwait(false);
        return RequestBundle.Build(new RequestBundleInput(request, thread, rules.Current.FindService(request.ServiceId), baseUrl, time.GetUtcNow()));
    }
}
