using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// Server-side control of staff sessions: a session cookie is good only while it carries the account's current
/// session stamp, and signing out replaces the stamp. So signing out ends every session of that person at once,
/// copies of the cookie included, and an account that is removed can no longer be used.
/// </summary>
public sealed class StaffSessions(IStaffAccountStore accounts)
{
    private const int MaxWriteAttempts = 5;

    /// <summary>True when the cookie's person still has an account and the session began under its current stamp.</summary>
    public async Task<bool> IsCurrentAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.SessionStamp is null)
        {
            return false;
        }

        var account = await accounts.GetAsync(member.Email, cancellationToken);
        return account?.SessionStamp is { } stamp
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(stamp), System.Text.Encoding.ASCII.GetBytes(member.SessionStamp));
    }

    /// <summary>Ends every session of this person (a new stamp); false if the account is gone or kept changing.</summary>
    public async Task<bool> EndAllAsync(string email, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var account = await accounts.GetAsync(email, cancellationToken);
            if (account is null)
            {
                return false;
            }

            if (await accounts.TryUpdateAsync(account with { SessionStamp = StaffMember.NewSessionStamp(), Version = account.Version + 1 }, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }
}
