namespace PatientContact.Inbox.Storage;

/// <summary>
/// What one web chat turn added to a Direct Line conversation's stream: the patient's own activity
/// (echoed back) and the service's replies, stored as one batch so a turn appears whole or not at all.
/// <see cref="Sequence"/> numbers batches 1, 2, 3... per conversation and is the Direct Line watermark.
/// </summary>
public sealed record ActivityBatch(
    string ConversationId,
    long Sequence,
    string? ClientActivityId,
    IReadOnlyList<string> Activities,
    DateTimeOffset At);

/// <summary>Direct Line activity streams, kept in the store so polling and reconnects work after a restart and on any host.</summary>
public interface IActivityStore
{
    /// <summary>
    /// Appends a batch numbered after the conversation's last one and returns it. When a batch with the
    /// same non-null <paramref name="clientActivityId"/> is already there (a retried post), nothing is
    /// added and that earlier batch is returned.
    /// </summary>
    Task<ActivityBatch> AppendAsync(string conversationId, string? clientActivityId, IReadOnlyList<string> activities, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Batches with a sequence above <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<ActivityBatch>> ListAfterAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes whole conversations whose last batch is older than <paramref name="cutoff"/>; returns how many batches went.</summary>
    Task<int> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>How much one conversation's stream holds: its batches and the UTF-8 bytes of their activities. Zeros when it does not exist.</summary>
    Task<ActivityUsage> UsageAsync(string conversationId, CancellationToken cancellationToken = default);
}

/// <summary>The size of one conversation's stream, which the web chat channel caps.</summary>
public sealed record ActivityUsage(long Batches, long Bytes);
