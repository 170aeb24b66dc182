using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff;

/// <summary>The audit actions the inbox writes. Their details never hold a password, and hold patient data only where the action is about it (the text sent to a patient).</summary>
public static class AuditActions
{
    public const string SignedIn = "staff.signed-in";
    public const string SignInFailed = "staff.sign-in-failed";
    public const string LockedOut = "staff.locked-out";
    public const string SignedOut = "staff.signed-out";
    public const string AccountCreated = "staff.account-created";
    public const string AccountRemoved = "staff.account-removed";
    public const string AccountDisabled = "staff.account-disabled";
    public const string AccountEnabled = "staff.account-enabled";
    public const string AccountUnlocked = "staff.account-unlocked";
    public const string ServiceAdded = "staff.service-added";
    public const string ServiceRemoved = "staff.service-removed";

    public const string ListViewed = "requests.listed";
    public const string Viewed = "request.viewed";
    public const string ListExported = "requests.exported";
    public const string Exported = "request.exported";
    /// <summary>A photo on a request was shown (its page's thumbnail or the full image): the detail names which.</summary>
    public const string AttachmentViewed = "request.attachment-viewed";

    public const string Assigned = "request.assigned";
    public const string StatusChanged = "request.status-changed";
    public const string NoteAdded = "request.note-added";
    public const string Texted = "request.texted";
    public const string RematchRequested = "request.rematch-requested";
    public const string MatchedManually = "request.matched-manually";
    public const string ChangeRefused = "request.change-refused";
    /// <summary>An emergency request was opened for the first time: its alert banner goes.</summary>
    public const string EmergencyAlertCleared = "request.emergency-alert-cleared";

    public const string AuditQueried = "audit.queried";

    public const string ReportsViewed = "reports.viewed";
    public const string WeeklyFileDownloaded = "reports.weekly-file";

    /// <summary>A member of staff started entering a request for a patient who phoned or came in (<c>/inbox/new</c>).</summary>
    public const string EntryStarted = "request.entry-started";
    /// <summary>A request entered by staff was sent: its reference, and whether staff checked the caller's identity instead of a code.</summary>
    public const string Entered = "request.entered";

    public const string LinksListed = "links.listed";
    public const string LinkSent = "link.sent";
    public const string LinkEnded = "link.ended";

    /// <summary>The actor of a sign-in attempt for an email no account has: the email itself is not kept.</summary>
    public const string UnknownAccount = "unknown account";

    /// <summary>Actions that only read; the detail page lists them apart from the changes.</summary>
    public static bool IsView(string action) => action is Viewed or Exported;
}

/// <summary>Writes the inbox's entries to the append-only audit trail, stamped with the clock.</summary>
public sealed class StaffAudit(IAuditStore audit, TimeProvider time)
{
    public Task WriteAsync(string actor, string action, string? serviceId = null, string? referenceId = null, string? detail = null, CancellationToken cancellationToken = default) =>
        audit.AppendAsync(Entry(actor, action, serviceId, referenceId, detail), cancellationToken);

    /// <summary>A line stamped now, for a store that writes it with a change (<see cref="IRequestStore.TryUpdateAsync(Requests.ContactRequest, AuditEntry, CancellationToken)"/>).</summary>
    public AuditEntry Entry(string actor, string action, string? serviceId = null, string? referenceId = null, string? detail = null) =>
        new(time.GetUtcNow(), actor, action, serviceId, referenceId, detail);
}
