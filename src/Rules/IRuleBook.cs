namespace PatientContact.Rules;

/// <summary>
/// An immutable, validated, compiled snapshot of every rule file. Thread-safe and cheap enough to ask every turn.
/// </summary>
public interface IRuleBook
{
    IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>The service with this slug, ignoring case; null if there is none.</summary>
    ServiceDefinition? FindService(string serviceId);

    /// <summary>The request type with this rule id (<c>medical-request</c>), as the request-type lists offer it; null if none.</summary>
    RequestTypeOption? FindRequestType(string id);

    /// <summary>The service patients reach by texting this E.164 number, e.g. <c>+447700900001</c>; null if none.</summary>
    ServiceDefinition? FindServiceBySmsNumber(string e164);

    /// <summary>Whether the service takes a request now, and if not, why, what to tell the patient and when it reopens.</summary>
    ValueTask<Availability> GetAvailabilityAsync(ServiceDefinition service, string channel, DateTimeOffset now, long requestsToday);

    /// <summary>The request types offered on this channel now, in the order of the rules.</summary>
    ValueTask<IReadOnlyList<RequestTypeOption>> GetRequestTypesAsync(ServiceDefinition service, string channel, DateTimeOffset now);

    /// <summary>The canned replies staff of this service may start a text from, in file order; empty when there are none.</summary>
    IReadOnlyList<ReplyTemplate> ReplyTemplatesFor(ServiceDefinition service);

    /// <summary>The red-flag rules the patient's details match, in the order of the rules; empty when none do.</summary>
    ValueTask<IReadOnlyList<RedFlagMatch>> FindRedFlagsAsync(ServiceDefinition service, string details);
}
