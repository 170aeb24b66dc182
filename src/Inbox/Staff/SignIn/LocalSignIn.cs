using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Staff.Accounts;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>What a sign-in attempt came to.</summary>
public enum SignInOutcome
{
    SignedIn,
    /// <summary>Unknown email or wrong password: the answer does not say which.</summary>
    Refused,
    /// <summary>Too many wrong tries: nothing is checked until the lock ends.</summary>
    LockedOut,
}

/// <summary>The outcome, and the person when signed in.</summary>
public sealed record SignInResult(SignInOutcome Outcome, StaffMember? Member = null);

/// <summary>
/// Email-and-password sign-in against the staff accounts, with lockout: <see cref="StaffOptions.MaxFailedSignIns"/>
/// wrong passwords within <see cref="StaffOptions.FailedSignInWindow"/> lock the account for
/// <see cref="StaffOptions.LockoutDuration"/>. Every attempt is audited, without the password.
/// </summary>
public sealed partial class LocalSignIn(
    IStaffAccountStore accounts,
    StaffPasswords passwords,
    UnknownAccountThrottle unknownAccounts,
    StaffAudit audit,
    IOptions<StaffOptions> options,
    TimeProvider time,
    ILogger<LocalSignIn> logger)
{
    private const int MaxWriteAttempts = 10;
    private readonly StaffOptions _options = options.Value;

    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(password);
        var now = time.GetUtcNow();
        var key = StaffEmail.Normalize(email);
        var account = StaffEmail.LooksValid(key) ? await accounts.GetAsync(key, cancellationToken) : null;

        if (account?.PasswordHash is null)
        {
            return await RefuseUnknownAsync(key, password, now, cancellationToken);
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++, account = await accounts.GetAsync(key, cancellationToken))
        {
            if (account is null)
            {
                return await RefuseUnknownAsync(key, password, now, cancellationToken);
            }

            if (account.LockedUntil > now)
            {
                await audit.WriteAsync(account.Email, AuditActions.SignInFailed, detail: "locked", cancellationToken: cancellationToken);
                return new SignInResult(SignInOutcome.LockedOut);
            }

            var verified = passwords.Verify(account, password);
            if (verified == PasswordVerificationResult.Failed)
            {
                var failed = AfterFailure(account, now);
                if (!await accounts.TryUpdateAsync(failed, cancellationToken))
                {
                    continue;
                }

                var locked = failed.LockedUntil > now;
                await audit.WriteAsync(account.Email, AuditActions.SignInFailed, detail: "wrong password", cancellationToken: cancellationToken);
                if (locked)
                {
                    await audit.WriteAsync(account.Email, AuditActions.LockedOut, detail: $"until {failed.LockedUntil:O}", cancellationToken: cancellationToken);
                    LogLockedOut(logger);
                }

                return new SignInResult(locked ? SignInOutcome.LockedOut : SignInOutcome.Refused);
            }

            var signedIn = account with
            {
                FailedSignIns = 0,
                FirstFailedSignInAt = null,
                LockedUntil = null,
                LastSignedInAt = now,
                SessionStamp = account.SessionStamp ?? StaffMember.NewSessionStamp(),
                PasswordHash = verified == PasswordVerificationResult.SuccessRehashNeeded ? passwords.Hash(account, password) : account.PasswordHash,
                Version = account.Version + 1,
            };
            if (!await accounts.TryUpdateAsync(signedIn, cancellationToken))
            {
                continue;
            }

            await audit.WriteAsync(account.Email, AuditActions.SignedIn, detail: "password", cancellationToken: cancellationToken);
            return new SignInResult(SignInOutcome.SignedIn, new StaffMember(
                account.Email,
                account.DisplayName,
                account.ServiceIds,
                account.IsAdministrator || _options.IsAdministrator(account.Email),
                "local",
                signedIn.SessionStamp));
        }

        // Every write lost to another sign-in of the same account: refuse rather than guess.
        return new SignInResult(SignInOutcome.Refused);
    }

    private StaffAccount AfterFailure(StaffAccount account, DateTimeOffset now)
    {
        var inWindow = account.FirstFailedSignInAt is { } first && first > now - _options.FailedSignInWindow;
        var failures = inWindow ? account.FailedSignIns + 1 : 1;
        return failures >= _options.MaxFailedSignIns
            ? account with { FailedSignIns = 0, FirstFailedSignInAt = null, LockedUntil = now + _options.LockoutDuration, Version = account.Version + 1 }
            : account with { FailedSignIns = failures, FirstFailedSignInAt = inWindow ? account.FirstFailedSignInAt : now, Version = account.Version + 1 };
    }

    private async Task<SignInResult> RefuseUnknownAsync(string email, string password, DateTimeOffset now, CancellationToken cancellationToken)
    {
        passwords.VerifyDecoy(password);
        if (unknownAccounts.IsLocked(email, now))
        {
            await audit.WriteAsync(AuditActions.UnknownAccount, AuditActions.SignInFailed, detail: "locked", cancellationToken: cancellationToken);
            return new SignInResult(SignInOutcome.LockedOut);
        }

        var locked = unknownAccounts.RecordFailure(email, now, _options);
        await audit.WriteAsync(AuditActions.UnknownAccount, AuditActions.SignInFailed, detail: "unknown account", cancellationToken: cancellationToken);
        return new SignInResult(locked ? SignInOutcome.LockedOut : SignInOutcome.Refused);
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "A staff account was locked after repeated wrong passwords")]
    private static partial void LogLockedOut(ILogger logger);
}
