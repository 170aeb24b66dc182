namespace PatientContact.Inbox.Storage;

/// <summary>One line of the append-only audit trail. Detail never holds patient data beyond what the action needs.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    string? ServiceId,
    string? ReferenceId,
    string? Detail);

public sealed record AuditQuery
{
    public string? ServiceId { get; init; }
    public string? ReferenceId { get; init; }
    public string? Actor { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Limit { get; init; } = 200;
}

/// <summary>Append-only: there is no update or delete here; only the retention purger removes lines past their period (<see cref="IRetentionStore"/>).</summary>
public interface IAuditStore
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
