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
    /// <summary>Unknown email, disabled account or wrong password: the answer does not say which.</summary>
    Refused,
    /// <summary>Too many wrong tries lately, from this email or this client: nothing was checked; try again after the wait.</summary>
    Delayed,
}

/// <summary>The outcome, the person when signed in, and the wait before the next try is checked.</summary>
public sealed record SignInResult(SignInOutcome Outcome, StaffMember? Member = null, TimeSpan RetryAfter = default);

/// <summary>
/// Email-and-password sign-in against the staff accounts. Wrong passwords slow further tries down rather
/// than lock anything: per email (on the account record; for emails without an account, in the store's
/// backoffs) and per client address, both seen by every host (IPv6 by /64), each with its own free tries and ceiling
/// (<see cref="StaffOptions.FailedSignInsBeforeDelay"/>, <see cref="StaffOptions.ClientFailedSignInsBeforeDelay"/>).
/// Every answer costs one password hash, whether the account exists, is disabled or is waiting, so the
/// time taken does not tell which emails have accounts. Every attempt is audited, without the password.
/// </summary>
public sealed partial class LocalSignIn(
    IStaffAccountStore accounts,
    StaffPasswords passwords,
    SignInThrottle throttle,
    StaffAudit audit,
    IOptions<StaffOptions> options,
    TimeProvider time,
    ILogger<LocalSignIn> logger)
{
    /// <summary>The client key when none is known (tests, the terminal).</summary>
    public const string UnknownClient = "unknown";

    private const int MaxWriteAttempts = 10;
    private readonly StaffOptions _options = options.Value;

    /// <summary>The wait after wrong passwords for one email, on its account or (without one) in the store.</summary>
    private readonly BackoffSchedule _emailSchedule = new(options.Value.FailedSignInsBeforeDelay, options.Value.MaxSignInDelay, options.Value.FailedSignInWindow);

    /// <summary>The wait after wrong passwords from one client address, whatever the emails.</summary>
    private readonly BackoffSchedule _clientSchedule = new(options.Value.ClientFailedSignInsBeforeDelay, options.Value.ClientMaxSignInDelay, options.Value.FailedSignInWindow);

    public async Task<SignInResult> SignInAsync(string email, string password, string client = UnknownClient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var key = StaffEmail.Normalize(email);
        var clientKey = "client:" + client;
        var account = StaffEmail.LooksValid(key) ? await accounts.GetAsync(key, cancellationToken) : null;

        var clientWait = await throttle.WaitForAsync(clientKey, now, cancellationToken);
        if (clientWait > TimeSpan.Zero)
        {
            passwords.VerifyDecoy(password);
            await audit.WriteAsync(account?.PasswordHash is null ? AuditActions.UnknownAccount : account.Email, AuditActions.SignInFailed, detail: "delayed: too many wrong tries from this address", cancellationToken: cancellationToken);
            return new SignInResult(SignInOutcome.Delayed, RetryAfter: clientWait);
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++, account = await accounts.GetAsync(key, cancellationToken))
        {
            if (account?.PasswordHash is null || account.Disabled)
            {
                return await RefuseUnknownAsync(key, password, clientKey, account, now, cancellationToken);
            }

            if (account.LockedUntil > now)
            {
                passwords.VerifyDecoy(password);
                await audit.WriteAsync(account.Email, AuditActions.SignInFailed, detail: "delayed: too many wrong tries", cancellationToken: cancellationToken);
                return new SignInResult(SignInOutcome.Delayed, RetryAfter: account.LockedUntil.Value - now);
            }

            var verified = passwords.Verify(account, password);
            if (verified == PasswordVerificationResult.Failed)
            {
                var failed = AfterFailure(account, now);
                if (!await accounts.TryUpdateAsync(failed, cancellationToken))
                {
                    continue;
                }

                var wait = Later(failed.LockedUntil, now, await ClientFailureAsync(clientKey, now, cancellationToken));
                await audit.WriteAsync(account.Email, AuditActions.SignInFailed, detail: "wrong password", cancellationToken: cancellationToken);
                if (failed.FailedSignIns == _options.FailedSignInsBeforeDelay)
                {
                    await audit.WriteAsync(account.Email, AuditActions.LockedOut, detail: "further tries are delayed", cancellationToken: cancellationToken);
                    LogDelayed(logger);
                }

                return new SignInResult(SignInOutcome.Refused, RetryAfter: wait);
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
                signedIn.SessionStamp,
                now));
        }

        // Every write lost to another sign-in of the same account: refuse rather than guess.
        return new SignInResult(SignInOutcome.Refused);
    }

    private StaffAccount AfterFailure(StaffAccount account, DateTimeOffset now)
    {
        var previous = account.FirstFailedSignInAt is { } first ? new Backoff(account.FailedSignIns, first, now, now) : null;
        var next = _emailSchedule.Next(previous, now);
        return account with
        {
            FailedSignIns = next.Failures,
            FirstFailedSignInAt = next.WindowStart,
            LockedUntil = next.NotBefore > now ? next.NotBefore : null,
            Version = account.Version + 1,
        };
    }

    private Task<TimeSpan> ClientFailureAsync(string clientKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        throttle.RecordFailureAsync(clientKey, now, _clientSchedule, cancellationToken);

    private static TimeSpan Later(DateTimeOffset? until, DateTimeOffset now, TimeSpan other) =>
        until is { } u && u - now > other ? u - now : other;

    /// <summary>No account, a single sign-on account or a disabled one: answered exactly as a wrong password would be.</summary>
    private async Task<SignInResult> RefuseUnknownAsync(string email, string password, string clientKey, StaffAccount? account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        passwords.VerifyDecoy(password);
        var actor = account is { Disabled: true } ? account.Email : AuditActions.UnknownAccount;
        var emailKey = "email:" + email;
        var emailWait = await throttle.WaitForAsync(emailKey, now, cancellationToken);
        if (emailWait > TimeSpan.Zero)
        {
            await audit.WriteAsync(actor, AuditActions.SignInFailed, detail: "delayed: too many wrong tries", cancellationToken: cancellationToken);
            return new SignInResult(SignInOutcome.Delayed, RetryAfter: emailWait);
        }

        var emailDelay = await throttle.RecordFailureAsync(emailKey, now, _emailSchedule, cancellationToken);
        var wait = Later(now + emailDelay, now, await ClientFailureAsync(clientKey, now, cancellationToken));
        await audit.WriteAsync(actor, AuditActions.SignInFailed, detail: account is { Disabled: true } ? "account disabled" : "unknown account", cancellationToken: cancellationToken);
        return new SignInResult(SignInOutcome.Refused, RetryAfter: wait);
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Repeated wrong passwords for a staff account: further tries are delayed")]
    private static partial void LogDelayed(ILogger logger);
}
