using PatientContact.Rules;

namespace PatientContact.Inbox.Messaging;

/// <summary>The one rule for which number a service's texts go from: its first SMS number in <c>services.json</c>.</summary>
public static class SenderNumbers
{
    /// <summary>The number texts from <paramref name="service"/> go from; null when the service has no SMS number, so sends nothing.</summary>
    public static string? For(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.SmsNumbers.Count > 0 ? service.SmsNumbers[0] : null;
    }
}
