namespace PatientContact.Inbox.Storage;

/// <summary>Numbers that sent STOP; no text goes to them until they send START.</summary>
public interface IOptOutStore
{
    Task SetAsync(string phone, bool optedOut, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<bool> IsOptedOutAsync(string phone, CancellationToken cancellationToken = default);
}
