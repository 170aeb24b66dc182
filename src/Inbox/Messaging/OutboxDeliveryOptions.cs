using System.ComponentModel.DataAnnotations;

namespace PatientContact.Inbox.Messaging;

/// <summary>What the delivery worker does with queued texts.</summary>
public enum OutboxMode
{
    /// <summary>Send through Twilio's REST API.</summary>
    Send,

    /// <summary>Send nothing: each text is marked held and stays readable in the outbox (Development).</summary>
    Hold,
}

/// <summary>How the outbox delivery worker polls, leases and retries (<c>Outbox:*</c>).</summary>
public sealed class OutboxDeliveryOptions
{
    public const string Section = "Outbox";

    public OutboxMode Mode { get; set; } = OutboxMode.Send;

    /// <summary>How long the worker waits after finding nothing due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed text is this worker's; after that another worker may take it again.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Limit on one call to Twilio; the lease must outlast it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Tries in all (the first send and its retries) before a text is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; it doubles each time, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The status callback address for one outbox text under the service's public address: every text asks Twilio to
    /// report its delivery to <c>{PublicBaseUrl}/sms/twilio/status</c>. Null when <c>PublicBaseUrl</c> is not set: no
    /// reports are asked for.
    /// </summary>
    public static Uri? StatusCallbackFor(Web.PublicAddress? publicAddress, Guid id) =>
        publicAddress?.Configured is { } origin ? new Uri($"{origin}{StatusCallbackPath}?message={id:N}") : null;

    /// <summary>The path of Twilio's delivery reports.</summary>
    public const string StatusCallbackPath = "/sms/twilio/status";
}
