using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Accounts;

/// <summary>What a change to an account came to: done, or why not (nothing was changed).</summary>
public sealed record AccountChangeResult(bool Changed, string Message);

/// <summary>
/// The <c>staff</c> command's changes to an existing account: remove, disable, enable, unlock, add or
/// remove a service. Each is audited in the same write as the change (both or neither are kept), and each takes effect on the person's open sessions within
/// <c>Staff:AccountRecheck</c> (every request re-reads the account), on every host.
/// </summary>
public sealed class StaffAccountChanges(IStaffAccountStore accounts, IRuleBookProvider rules, StaffSessions sessions, StaffAudit audit)
{
    private const int MaxWriteAttempts = 5;

    public async Task<AccountChangeResult> RemoveAsync(string email, string actor, CancellationToken cancellationToken = default)
    {
        var key = StaffEmail.Normalize(email);
        if (!await accounts.RemoveAsync(key, audit.Entry(actor, AuditActions.AccountRemoved, detail: key), cancellationToken))
        {
            return NoAccount(key);
        }

        sessions.Forget(key);
        return new AccountChangeResult(true, $"Removed staff account {key}; its sessions have ended.");
    }

    public Task<AccountChangeResult> DisableAsync(string email, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(email, actor, AuditActions.AccountDisabled, cancellationToken, account => account.Disabled
            ? $"{account.Email} is already disabled."
            : null,
            account => account with { Disabled = true, SessionStamp = StaffMember.NewSessionStamp() },
            account => ($"Disabled {account.Email}: it cannot sign in and its sessions have ended.", null));

    public Task<AccountChangeResult> EnableAsync(string email, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(email, actor, AuditActions.AccountEnabled, cancellationToken, account => account.Disabled
            ? null
            : $"{account.Email} is not disabled.",
            account => account with { Disabled = false, FailedSignIns = 0, FirstFailedSignInAt = null, LockedUntil = null },
            account => ($"Enabled {account.Email}: it can sign in again.", null));

    public Task<AccountChangeResult> UnlockAsync(string email, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(email, actor, AuditActions.AccountUnlocked, cancellationToken, _ => null,
            account => account with { FailedSignIns = 0, FirstFailedSignInAt = null, LockedUntil = null },
            account => ($"Cleared the wrong tries of {account.Email}: its next sign-in is checked at once.", null));

    public Task<AccountChangeResult> AddServiceAsync(string email, string serviceId, string actor, CancellationToken cancellationToken = default)
    {
        var service = rules.Current.FindService(serviceId.Trim());
        if (service is null)
        {
            return Task.FromResult(new AccountChangeResult(false, $"There is no service '{serviceId}'. Services: {string.Join(", ", rules.Current.Services.Select(s => s.Id))}."));
        }

        return ChangeAsync(email, actor, AuditActions.ServiceAdded, cancellationToken,
            account => account.ServiceIds.Contains(service.Id, StringComparer.Ordinal) ? $"{account.Email} already works for {service.Id}." : null,
            account => account with { ServiceIds = [.. account.ServiceIds, service.Id] },
            account => ($"{account.Email} now works for {string.Join(", ", account.ServiceIds)}.", service.Id));
    }

    public Task<AccountChangeResult> RemoveServiceAsync(string email, string serviceId, string actor, CancellationToken cancellationToken = default)
    {
        var id = serviceId.Trim();
        return ChangeAsync(email, actor, AuditActions.ServiceRemoved, cancellationToken,
            account => !account.ServiceIds.Contains(id, StringComparer.Ordinal) ? $"{account.Email} does not work for {id}."
                : account.ServiceIds.Count == 1 ? $"{id} is the only service of {account.Email}: disable or remove the account instead."
                : null,
            account => account with { ServiceIds = [.. account.ServiceIds.Where(s => !string.Equals(s, id, StringComparison.Ordinal))] },
            account => ($"{account.Email} no longer works for {id}; its open sessions stop seeing that service's requests within seconds. It works for {string.Join(", ", account.ServiceIds)}.", id));
    }

    private async Task<AccountChangeResult> ChangeAsync(
        string email,
        string actor,
        string action,
        CancellationToken cancellationToken,
        Func<StaffAccount, string?> refusal,
        Func<StaffAccount, StaffAccount> change,
        Func<StaffAccount, (string Message, string? ServiceId)> done)
    {
        var key = StaffEmail.Normalize(email);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var account = await accounts.GetAsync(key, cancellationToken);
            if (account is null)
            {
                return NoAccount(key);
            }

            if (refusal(account) is { } problem)
            {
                return new AccountChangeResult(false, problem);
            }

            var changed = change(account) with { Version = account.Version + 1 };
            var (message, serviceId) = done(changed);
            if (!await accounts.TryUpdateAsync(changed, audit.Entry(actor, action, serviceId, detail: key), cancellationToken))
            {
                continue;
            }

            sessions.Forget(key);
            return new AccountChangeResult(true, message);
        }

        return new AccountChangeResult(false, $"{key} kept changing while this ran; nothing was changed. Run it again.");
    }

    private static AccountChangeResult NoAccount(string key) => new(false, $"There is no staff account {key}.");
}
