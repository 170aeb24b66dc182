namespace PatientContact.Inbox.Storage;

/// <summary>
/// One element of ASP.NET Data Protection's key ring (a key or a revocation), as the framework writes it:
/// <paramref name="Xml"/> is the element whole, its secret already encrypted with the configured certificate
/// when one is set. <paramref name="Name"/> is the framework's friendly name (<c>key-{id}</c>), unique.
/// </summary>
public sealed record KeyRingEntry(string Name, string Xml, DateTimeOffset CreatedAt);

/// <summary>
/// The Data Protection key ring (staff sign-in cookies, anti-forgery tokens, form-channel cookies), kept
/// in the store so every host on the same store reads the same keys. Entries are only ever added: the
/// framework expires keys by date and revokes them by adding a revocation.
/// </summary>
public interface IKeyRingStore
{
    /// <summary>Every entry, oldest first.</summary>
    Task<IReadOnlyList<KeyRingEntry>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the entry; false when one with its name is there already (the first is kept).</summary>
    Task<bool> AddAsync(KeyRingEntry entry, CancellationToken cancellationToken = default);
}
