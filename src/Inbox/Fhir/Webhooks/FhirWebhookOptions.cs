namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>
/// The FHIR webhook (section <c>FhirWebhook</c>): per service, where each new request's bundle is posted and the
/// secret its signature is made with; and how deliveries are retried.
/// </summary>
public sealed class FhirWebhookOptions
{
    public const string Section = "FhirWebhook";

    /// <summary>By service id: <c>FhirWebhook:Services:riverside-gp:Url</c> and <c>...:Secret</c>.</summary>
    public Dictionary<string, ServiceWebhookOptions> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Posts tried before a delivery is given up (and logged as an error).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The wait after the first failure; each later wait is twice the one before, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one post may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the queue is looked at when it had nothing due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a delivery waits for the request's first PDS match, so the bundle carries the NHS number; then it goes without.</summary>
    public TimeSpan MatchWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a claimed delivery is one host's before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    public ServiceWebhookOptions? For(string serviceId) => Services.TryGetValue(serviceId, out var webhook) ? webhook : null;
}

/// <summary>One service's webhook.</summary>
public sealed class ServiceWebhookOptions
{
    /// <summary>The receiver's address; https outside Development.</summary>
    public string? Url { get; set; }

    /// <summary>The shared secret the signature is made with (at least 32 characters); from a secret store, never a file in the repository.</summary>
    public string? Secret { get; set; }
}
