namespace PatientContact.Inbox.Storage;

/// <summary>Counts kept for reporting, never with personal data (emergencies signposted, advice shown, ...).</summary>
public interface IUsageCounterStore
{
    Task IncrementAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default);

    Task<long> GetAsync(string serviceId, string counter, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Every counter of these services from <paramref name="from"/> to <paramref name="to"/> (both days included) that has been incremented.</summary>
    Task<IReadOnlyList<UsageCount>> ListAsync(IReadOnlyCollection<string> serviceIds, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}

/// <summary>One counter's value for one service and day.</summary>
public sealed record UsageCount(string ServiceId, string Counter, DateOnly Day, long Value);
