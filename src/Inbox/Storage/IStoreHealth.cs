namespace PatientContact.Inbox.Storage;

/// <summary>Answers whether the store can be reached, for /health/ready.</summary>
public interface IStoreHealth
{
    Task<(bool Healthy, string? Reason)> CheckAsync(CancellationToken cancellationToken = default);
}
