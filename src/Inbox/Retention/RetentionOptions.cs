using System.ComponentModel.DataAnnotations;

namespace PatientContact.Inbox.Retention;

/// <summary>How long each kind of data is kept (section <c>Retention</c> of configuration; the defaults are argued in docs/retention.md).</summary>
public sealed class RetentionOptions
{
    /// <summary>A request marked done is removed, with its messages and photos, this long after its last change. An open request is never removed.</summary>
    [Range(typeof(TimeSpan), "7.00:00:00", "3650.00:00:00")]
    public TimeSpan ClosedRequests { get; set; } = TimeSpan.FromDays(90);

    /// <summary>An audit line is removed this long after it was written, and never while the request it is about is still stored.</summary>
    [Range(typeof(TimeSpan), "30.00:00:00", "3650.00:00:00")]
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(730);

    /// <summary>A text sent or given up has its body emptied this long after it was queued; who it went to, when, why and how it ended stay.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan OutboxBodies { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A number that sent START is forgotten this long after it did (a number still opted out is kept until it
    /// sends START). Long enough that a STOP sent before the START but delivered late is still recognised as older.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan OptIns { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the purger runs.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows removed per write: each batch takes the store's writer once, briefly.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;
}
