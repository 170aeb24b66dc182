namespace PatientContact.Inbox.Storage;

/// <summary>
/// A member of staff who may sign in to the inbox. <see cref="Email"/> is the key, compared ignoring
/// case. A local account has a <see cref="PasswordHash"/>; an account first seen through the
/// organisation's identity provider has none and cannot sign in with a password.
/// </summary>
public sealed record StaffAccount
{
    public required string Email { get; init; }
    public required string DisplayName { get; init; }
    /// <summary>ASP.NET Core Identity's password hash format; null for single sign-on accounts.</summary>
    public string? PasswordHash { get; init; }
    /// <summary>The services whose requests this person works; they see nothing else.</summary>
    public required IReadOnlyList<string> ServiceIds { get; init; }
    public bool IsAdministrator { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSignedInAt { get; init; }
    /// <summary>Wrong passwords since <see cref="FirstFailedSignInAt"/>, for lockout.</summary>
    public int FailedSignIns { get; init; }
    public DateTimeOffset? FirstFailedSignInAt { get; init; }
    /// <summary>
    /// No sign-in is checked before this moment: the growing delay after repeated wrong passwords (see
    /// <c>Staff:FailedSignInsBeforeDelay</c>), never longer than <c>Staff:MaxSignInDelay</c>.
    /// </summary>
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>Set by <c>staff disable</c>: the account cannot sign in and its sessions end, until <c>staff enable</c>.</summary>
    public bool Disabled { get; init; }
    /// <summary>
    /// Carried in every session cookie of this account; signing out replaces it, so every cookie issued before
    /// (a copy taken from a shared computer included) stops working at once. Null until the first sign-in.
    /// </summary>
    public string? SessionStamp { get; init; }
    /// <summary>Optimistic concurrency: bumped by every change.</summary>
    public long Version { get; init; } = 1;
}

/// <summary>Staff accounts, with optimistic concurrency on <see cref="StaffAccount.Version"/>.</summary>
public interface IStaffAccountStore
{
    /// <summary>Adds the account; one with the same email (in any case) gives <see cref="AddResult.AlreadyExists"/> and changes nothing.</summary>
    Task<AddResult> AddAsync(StaffAccount account, CancellationToken cancellationToken = default);

    /// <summary>The account with this email, ignoring case; null when there is none.</summary>
    Task<StaffAccount?> GetAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Replaces the account when the stored version is <c>account.Version - 1</c>; false when someone else changed it first.</summary>
    Task<bool> TryUpdateAsync(StaffAccount account, CancellationToken cancellationToken = default);

    /// <summary>Deletes the account; false when there was none.</summary>
    Task<bool> RemoveAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="AddAsync(StaffAccount, CancellationToken)"/>, with its audit line in the same write: both or neither are kept.</summary>
    Task<AddResult> AddAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="TryUpdateAsync(StaffAccount, CancellationToken)"/>, with its audit line in the same write: both or neither are kept.</summary>
    Task<bool> TryUpdateAsync(StaffAccount account, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="RemoveAsync(string, CancellationToken)"/>, with its audit line in the same write: both or neither are kept.</summary>
    Task<bool> RemoveAsync(string email, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>The accounts that work for a service (colleagues to assign a request to), ordered by email.</summary>
    Task<IReadOnlyList<StaffAccount>> ListForServiceAsync(string serviceId, CancellationToken cancellationToken = default);
}
