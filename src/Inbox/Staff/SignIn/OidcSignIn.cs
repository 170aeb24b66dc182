using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// What happens when the identity provider sends someone back: their claims become a staff session
/// (or they are sent to the sign-in page with a reason), their account record is kept up to date so
/// colleagues can assign requests to them, and the attempt is audited.
/// </summary>
public sealed partial class OidcSignIn(
    IRuleBookProvider rules,
    IStaffAccountStore accounts,
    StaffAudit audit,
    IOptions<StaffOptions> options,
    TimeProvider time,
    ILogger<OidcSignIn> logger)
{
    public async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var mapping = OidcStaffClaims.Map(context.Principal!, options.Value, rules.Current);
        if (mapping.Member is not { } member)
        {
            await audit.WriteAsync(AuditActions.UnknownAccount, AuditActions.SignInFailed, detail: $"single sign-on: {mapping.Refusal}", cancellationToken: context.HttpContext.RequestAborted);
            LogRefused(logger, mapping.Refusal!);
            context.Response.Redirect($"{StaffAuthentication.LoginPath}?problem={Uri.EscapeDataString(mapping.Refusal!.Replace(' ', '-'))}");
            context.HandleResponse();
            return;
        }

        var stamp = await RememberAsync(member, context.HttpContext.RequestAborted);
        if (stamp == Disabled)
        {
            await audit.WriteAsync(member.Email, AuditActions.SignInFailed, detail: "single sign-on: account disabled", cancellationToken: context.HttpContext.RequestAborted);
            context.Response.Redirect($"{StaffAuthentication.LoginPath}?problem=disabled");
            context.HandleResponse();
            return;
        }

        context.Principal = (member with { SessionStamp = stamp, SignedInAt = time.GetUtcNow() }).ToPrincipal();
        context.Properties!.IsPersistent = false;
        if (!IsLocalInboxPath(context.ReturnUri))
        {
            context.ReturnUri = "/inbox";
        }

        await audit.WriteAsync(member.Email, AuditActions.SignedIn, detail: "single sign-on", cancellationToken: context.HttpContext.RequestAborted);
    }

    public async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        await audit.WriteAsync(AuditActions.UnknownAccount, AuditActions.SignInFailed, detail: "single sign-on: the provider's answer was refused", cancellationToken: context.HttpContext.RequestAborted);
        LogRemoteFailure(logger, context.Failure?.GetType().Name ?? "unknown");
        context.Response.Redirect($"{StaffAuthentication.LoginPath}?problem=sign-in-failed");
        context.HandleResponse();
    }

    /// <summary>Only paths inside the inbox, never another site (<c>//host</c>, <c>/\host</c>).</summary>
    public static bool IsLocalInboxPath(string? path) =>
        path is not null
        && (path == "/inbox" || path.StartsWith("/inbox/", StringComparison.Ordinal) || path.StartsWith("/inbox?", StringComparison.Ordinal))
        && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Contains("//", StringComparison.Ordinal);

    private const string Disabled = "disabled";

    /// <summary>Stores the person as the provider describes them and returns the account's session stamp (<see cref="Disabled"/> for a disabled account).</summary>
    private async Task<string?> RememberAsync(StaffMember member, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await accounts.GetAsync(member.Email, cancellationToken);
            var stamp = existing?.SessionStamp ?? StaffMember.NewSessionStamp();
            if (existing is null)
            {
                var added = await accounts.AddAsync(new StaffAccount
                {
                    Email = member.Email,
                    DisplayName = member.DisplayName,
                    ServiceIds = member.ServiceIds,
                    CreatedAt = time.GetUtcNow(),
                    LastSignedInAt = time.GetUtcNow(),
                    SessionStamp = stamp,
                }, cancellationToken);
                if (added == AddResult.Added)
                {
                    return stamp;
                }

                continue;
            }

            if (existing.Disabled)
            {
                return Disabled;
            }

            // The provider is the source of truth for services; a local password, if any, is left alone.
            if (await accounts.TryUpdateAsync(existing with { DisplayName = member.DisplayName, ServiceIds = member.ServiceIds, LastSignedInAt = time.GetUtcNow(), SessionStamp = stamp, Version = existing.Version + 1 }, cancellationToken))
            {
                return stamp;
            }
        }

        // Every write lost to another sign-in of the same person: a session without a stamp is refused at its first request.
        return null;
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Warning, Message = "Single sign-on refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Single sign-on failed at the callback ({ErrorType})")]
    private static partial void LogRemoteFailure(ILogger logger, string errorType);
}
