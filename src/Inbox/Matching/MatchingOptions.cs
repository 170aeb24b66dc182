using System.ComponentModel.DataAnnotations;

namespace PatientContact.Inbox.Matching;

/// <summary>How the background matching worker paces itself (section <c>Matching</c> of configuration).</summary>
public sealed class MatchingOptions
{
    /// <summary>How often the store is asked for requests not yet checked: the longest a new request waits for matching.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often requests PDS did not answer are looked at for a retry that is due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RetrySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the first retry of a request PDS did not answer; it doubles each time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between retries of one request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Requests read from the store per batch.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;
}
