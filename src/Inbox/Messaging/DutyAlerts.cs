using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Inbox.Messaging;

/// <summary>
/// The text to a service's duty number (<c>dutyAlertNumber</c> in <c>services.json</c>) when a request with an
/// emergency red flag arrives: the service's name and the reference ID, nothing about the patient, sent from
/// the service's own SMS number, once per request.
/// </summary>
public static class DutyAlerts
{
    /// <summary>The alert for this request, or null when the service has no duty number or the request no emergency flag.</summary>
    public static OutboundText? For(ServiceDefinition service, ContactRequest request)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(request);
        if (service.DutyAlertNumber is not { } duty || Triage.UrgencyOf(request) != Urgency.Emergency)
        {
            return null;
        }

        return new OutboundText(
            duty,
            Body(service, request.ReferenceId),
            TextPurpose.DutyAlert,
            $"{TextPurpose.DutyAlert.Name()}:{request.ReferenceId}",
            From: service.SmsNumbers.FirstOrDefault());
    }

    /// <summary>"Riverside GP Practice: urgent request ABCD-1234 in the inbox."</summary>
    public static string Body(ServiceDefinition service, string referenceId)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"{service.Name}: urgent request {referenceId} in the inbox.";
    }
}
