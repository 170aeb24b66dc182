using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// Server-side control of staff sessions. On every request the cookie's person is checked against their
/// account as stored (read again at most <see cref="StaffOptions.AccountRecheck"/> after the last read):
/// the account must still exist, not be disabled, and carry the session stamp the cookie began under;
/// the session must be younger than <see cref="StaffOptions.AbsoluteSessionLifetime"/>. The services,
/// administrator flag and name come from the account, not the cookie, so removing a service from an
/// account stops its open sessions reading that service's requests within seconds.
/// </summary>
public sealed class StaffSessions(IStaffAccountStore accounts, IOptions<StaffOptions> options, TimeProvider time)
{
    private const int MaxWriteAttempts = 5;
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (StaffAccount? Account, DateTimeOffset ReadAt)> _recent = new(StringComparer.Ordinal);

    /// <summary>
    /// The person as their account stands now, or null when the session must end (no account, disabled,
    /// signed out since, or older than the absolute lifetime).
    /// </summary>
    public async Task<StaffMember?> CurrentAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        var staff = options.Value;
        var now = time.GetUtcNow();
        if (member.SessionStamp is null || member.SignedInAt is not { } signedInAt || now - signedInAt >= staff.AbsoluteSessionLifetime || signedInAt > now + TimeSpan.FromMinutes(5))
        {
            return null;
        }

        var account = await ReadAsync(member.Email, now, staff.AccountRecheck, cancellationToken);
        if (account is null || account.Disabled || account.SessionStamp is not { } stamp
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(stamp), System.Text.Encoding.ASCII.GetBytes(member.SessionStamp)))
        {
            return null;
        }

        return member with
        {
            DisplayName = account.DisplayName,
            ServiceIds = account.ServiceIds,
            IsAdministrator = account.IsAdministrator || staff.IsAdministrator(account.Email),
        };
    }

    /// <summary>Ends every session of this person (a new stamp); false if the account is gone or kept changing.</summary>
    public async Task<bool> EndAllAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        Forget(email);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var account = await accounts.GetAsync(email, cancellationToken);
            if (account is null)
            {
                return false;
            }

            if (await accounts.TryUpdateAsync(account with { SessionStamp = StaffMember.NewSessionStamp(), Version = account.Version + 1 }, cancellationToken))
            {
                Forget(email);
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops this host's copy of the account, after a change made here.</summary>
    public void Forget(string email) => _recent.TryRemove(StaffEmail.Normalize(email), out _);

    private async Task<StaffAccount?> ReadAsync(string email, DateTimeOffset now, TimeSpan recheck, CancellationToken cancellationToken)
    {
        var key = StaffEmail.Normalize(email);
        if (_recent.TryGetValue(key, out var recent) && now - recent.ReadAt < recheck && now >= recent.ReadAt)
        {
            return recent.Account;
        }

        var account = await accounts.GetAsync(key, cancellationToken);
        if (_recent.Count >= MaxCached)
        {
            _recent.Clear();
        }

        _recent[key] = (account, now);
        return account;
    }
}
