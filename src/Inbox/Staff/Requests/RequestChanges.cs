using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Requests;

/// <summary>What a change to a request came to.</summary>
public enum ChangeOutcome
{
    Changed,
    /// <summary>Not there, or not this person's to see: the same answer for both.</summary>
    NotFound,
    /// <summary>The input was refused; <see cref="ChangeResult.Problem"/> says why and nothing changed.</summary>
    Invalid,
    /// <summary>Someone else changed the request since this person loaded it; nothing changed.</summary>
    Conflict,
}

/// <summary>The outcome, the field a problem is about, and the request as it now stands.</summary>
/// <param name="Message">For a text to the patient: the message as it is stored on the request.</param>
public sealed record ChangeResult(ChangeOutcome Outcome, ContactRequest? Request, string? Field = null, string? Problem = null, RequestMessage? Message = null)
{
    public static ChangeResult NotFound { get; } = new(ChangeOutcome.NotFound, null);
}

/// <summary>
/// Every change staff make to a request. A change made on what the person saw (status, assignment,
/// matching) is written only if the request is still at the version they saw, so two people changing
/// one request at once never overwrite each other: the second is told. A note or a text does not depend
/// on what was seen, so it is added to the latest version. Every change is audited.
/// </summary>
public sealed partial class RequestChanges(
    IRequestStore requests,
    IStaffAccountStore accounts,
    IOptOutStore optOuts,
    IOutboundSender sender,
    IMessageStore messages,
    IRuleBookProvider rules,
    RequestAccess access,
    StaffAudit audit,
    TimeProvider time,
    ILogger<RequestChanges> logger)
{
    public const int MaxNoteLength = 2000;
    /// <summary>Three SMS segments of GSM-7 (fewer characters fit when the text needs UCS-2: see <see cref="MaxTextSegments"/>).</summary>
    public const int MaxTextLength = 459;
    public const int MaxTextSegments = 3;
    public const string OptedOutProblem = "This patient has asked for no texts from this number: call them instead.";
    public const string NoSenderProblem = "This service has no SMS number to send texts from: call the patient instead.";
    private const int MaxRetries = 10;

    public Task<ChangeResult> ChangeStatusAsync(StaffMember staff, string referenceId, string? status, long seenVersion, CancellationToken cancellationToken = default) =>
        ChangeSeenAsync(staff, referenceId, seenVersion, AuditActions.StatusChanged, request =>
        {
            if (!InboxText.TryParseStatus(status, out var parsed))
            {
                return Refuse("status", "Choose a status: new, in progress or done.");
            }

            return parsed == request.Status
                ? Refuse("status", $"The request is already {InboxText.StatusLabel(parsed).ToLowerInvariant()}.")
                : Ok(request with { Status = parsed }, $"{InboxText.Status(request.Status)} -> {InboxText.Status(parsed)}");
        }, cancellationToken);

    /// <summary>Assigns to a colleague of the request's service, to the person themself (<c>me</c>), or to nobody (empty).</summary>
    public async Task<ChangeResult> AssignAsync(StaffMember staff, string referenceId, string? assignee, long seenVersion, CancellationToken cancellationToken = default)
    {
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return ChangeResult.NotFound;
        }

        string? to = null;
        if (!string.IsNullOrWhiteSpace(assignee))
        {
            var email = assignee.Trim().Equals("me", StringComparison.OrdinalIgnoreCase) ? staff.Email : StaffEmail.Normalize(assignee);
            // Whoever can see the request works for its service; anyone else must be an account of that service.
            var colleague = email == staff.Email ? null : await accounts.GetAsync(email, cancellationToken);
            if (email != staff.Email && colleague?.ServiceIds.Contains(request.ServiceId, StringComparer.Ordinal) != true)
            {
                return new ChangeResult(ChangeOutcome.Invalid, request, "assignee", "Choose someone who works for this service.");
            }

            to = colleague?.Email ?? staff.Email;
        }

        return await ChangeSeenAsync(staff, referenceId, seenVersion, AuditActions.Assigned, current =>
            current.AssignedTo == to
                ? Refuse("assignee", to is null ? "The request is not assigned to anyone already." : "The request is already assigned to that person.")
                : Ok(current with { AssignedTo = to }, to is null ? "unassigned" : $"to {to}"), cancellationToken);
    }

    /// <summary>Sets the match back to "not yet checked" so the matching worker tries again.</summary>
    public Task<ChangeResult> RequestRematchAsync(StaffMember staff, string referenceId, long seenVersion, CancellationToken cancellationToken = default) =>
        ChangeSeenAsync(staff, referenceId, seenVersion, AuditActions.RematchRequested, request =>
            request.Match == MatchResult.Pending
                ? Refuse("rematch", "Matching is already waiting to run for this request.")
                : Ok(request with { Match = MatchResult.Pending }, $"was {InboxText.Match(request.Match.Status)}{(request.Match.Reason is { } reason ? $" ({reason.Label()})" : "")}"),
            cancellationToken);

    /// <summary>Matches the request to an NHS number a person has checked, after the modulus 11 check.</summary>
    public Task<ChangeResult> MatchManuallyAsync(StaffMember staff, string referenceId, string? nhsNumber, long seenVersion, CancellationToken cancellationToken = default) =>
        ChangeSeenAsync(staff, referenceId, seenVersion, AuditActions.MatchedManually, request =>
        {
            if (string.IsNullOrWhiteSpace(nhsNumber))
            {
                return Refuse("nhsNumber", "Enter the patient's NHS number.");
            }

            var digits = new string([.. nhsNumber.Where(char.IsAsciiDigit)]);
            if (digits.Length != 10 || nhsNumber.Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-')))
            {
                return Refuse("nhsNumber", "Enter an NHS number of 10 digits, like 943 476 5919.");
            }

            if (!NhsNumber.TryNormalize(nhsNumber, out var valid))
            {
                return Refuse("nhsNumber", "That is not a valid NHS number: check the digits again.");
            }

            return request.Match is { Status: MatchStatus.Matched } current && current.NhsNumber == valid
                ? Refuse("nhsNumber", "The request is already matched to that NHS number.")
                : Ok(request with { Match = new MatchResult(MatchStatus.Matched, MatchReason.MatchedByStaff, valid) }, $"was {InboxText.Match(request.Match.Status)}");
        }, cancellationToken);

    /// <summary>Adds an internal note to the latest version of the request.</summary>
    public async Task<ChangeResult> AddNoteAsync(StaffMember staff, string referenceId, string? text, CancellationToken cancellationToken = default)
    {
        var note = text?.Trim();
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return ChangeResult.NotFound;
        }

        if (string.IsNullOrEmpty(note))
        {
            return new ChangeResult(ChangeOutcome.Invalid, request, "note", "Enter a note.");
        }

        if (note.Length > MaxNoteLength)
        {
            return new ChangeResult(ChangeOutcome.Invalid, request, "note", $"The note must be {MaxNoteLength:N0} characters or fewer.");
        }

        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var now = time.GetUtcNow();
            var updated = request with
            {
                Notes = [.. request.Notes, new StaffNote(now, staff.Email, note)],
                UpdatedAt = now,
                FirstActionAt = request.FirstActionAt ?? now,
                Version = request.Version + 1,
            };
            if (await requests.TryUpdateAsync(updated, audit.Entry(staff.Email, AuditActions.NoteAdded, updated.ServiceId, updated.ReferenceId), cancellationToken))
            {
                return new ChangeResult(ChangeOutcome.Changed, updated);
            }

            request = await access.FindAsync(staff, referenceId, cancellationToken);
            if (request is null)
            {
                return ChangeResult.NotFound;
            }
        }

        return new ChangeResult(ChangeOutcome.Conflict, request);
    }

    /// <summary>
    /// Texts the patient at the request's contact number, from the service's own number, through the one outbound
    /// sender; the text is kept in the request's messages, where its delivery shows. Only UK mobiles get texts; a
    /// number that asked for none gets none. The same <paramref name="sendId"/> (one form, one API call) sends once.
    /// Audited with the words sent (the audit trail, not the logs).
    /// </summary>
    public async Task<ChangeResult> TextPatientAsync(StaffMember staff, string referenceId, string? text, string? sendId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var body = text is null ? null : SmsText.WithAsciiPunctuation(text.Trim());
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return ChangeResult.NotFound;
        }

        ChangeResult Problem(string problem) => new(ChangeOutcome.Invalid, request, "message", problem);
        if (!UkPhoneNumbers.IsMobile(request.Contact.Phone))
        {
            return Problem("The patient's number is not a mobile, so it cannot get texts. Phone them instead.");
        }

        if (await optOuts.IsOptedOutAsync(request.Contact.Phone, cancellationToken))
        {
            return Problem(OptedOutProblem);
        }

        var from = rules.Current.FindService(request.ServiceId) is { } service ? SenderNumbers.For(service) : null;
        if (from is null)
        {
            return Problem(NoSenderProblem);
        }

        if (string.IsNullOrEmpty(body))
        {
            return Problem("Enter the text message.");
        }

        var segments = SmsText.CountSegments(body);
        if (body.Length > MaxTextLength || segments > MaxTextSegments)
        {
            return Problem(SmsText.IsGsm7(body)
                ? $"The text message must be {MaxTextLength} characters or fewer (3 texts). Yours has {body.Length}."
                : $"The text message must fit in 3 texts. Yours takes {segments}: characters such as emoji or accents make each text shorter.");
        }

        if (string.IsNullOrWhiteSpace(sendId) || sendId.Length > 64)
        {
            sendId = Guid.NewGuid().ToString("N");
        }

        var key = $"staff-reply:{request.ReferenceId}:{sendId}";
        var queued = await sender.QueueAsync(
            new OutboundText(request.Contact.Phone, body, TextPurpose.StaffReply, key, From: from, OnRequest: new RequestLink(request.ReferenceId, request.ServiceId, Channel.Sms, staff.Email)),
            cancellationToken);
        switch (queued)
        {
            case QueueResult.OptedOut:
                return Problem(OptedOutProblem);
            case QueueResult.NoSenderNumber:
                return Problem(NoSenderProblem);
        }

        // Whoever replies has read what the patient sent.
        await messages.MarkSeenAsync(request.ReferenceId, time.GetUtcNow(), cancellationToken);
        var message = await messages.GetAsync(OutboxSender.IdFor(key), cancellationToken);
        if (queued == QueueResult.Queued)
        {
            await audit.WriteAsync(staff.Email, AuditActions.Texted, request.ServiceId, request.ReferenceId, body, cancellationToken);
            LogTexted(logger, request.ReferenceId);
        }

        // A repeat (a double click, a retried post) went the first time: the same message is the answer.
        return new ChangeResult(ChangeOutcome.Changed, await RecordFirstActionAsync(staff, request, cancellationToken), Message: message);
    }

    /// <summary>
    /// Records the first time a member of staff opened the request's page; an emergency request's alert
    /// goes from every inbox page then (and that is audited). Later openings change nothing. Returns the
    /// request as it now stands.
    /// </summary>
    public async Task<ContactRequest> RecordFirstOpeningAsync(StaffMember staff, ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 0; attempt < MaxRetries && request.FirstOpened is null; attempt++)
        {
            var alerting = Triage.AwaitsFirstOpening(request);
            var now = time.GetUtcNow();
            var opened = request with { FirstOpened = new FirstOpening(now, staff.Email), Version = request.Version + 1 };
            var written = alerting
                ? await requests.TryUpdateAsync(opened, audit.Entry(staff.Email, AuditActions.EmergencyAlertCleared, opened.ServiceId, opened.ReferenceId, "opened first"), cancellationToken)
                : await requests.TryUpdateAsync(opened, cancellationToken);
            if (written)
            {
                if (alerting)
                {
                    LogAlertCleared(logger, opened.ReferenceId);
                }

                return opened;
            }

            // Someone else changed it meanwhile (or opened it first): go on from what is stored now.
            request = await requests.GetAsync(request.ReferenceId, cancellationToken) ?? request;
        }

        return request;
    }

    /// <summary>Sets <see cref="ContactRequest.FirstActionAt"/> for a change that does not itself rewrite the request (a text).</summary>
    private async Task<ContactRequest> RecordFirstActionAsync(StaffMember staff, ContactRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRetries && request.FirstActionAt is null; attempt++)
        {
            var acted = request with { FirstActionAt = time.GetUtcNow(), Version = request.Version + 1 };
            if (await requests.TryUpdateAsync(acted, cancellationToken))
            {
                return acted;
            }

            request = await access.FindAsync(staff, request.ReferenceId, cancellationToken) ?? request;
        }

        return request;
    }

    private static (ContactRequest? Updated, string? Detail, string? Field, string? Problem) Ok(ContactRequest updated, string detail) => (updated, detail, null, null);

    private static (ContactRequest? Updated, string? Detail, string? Field, string? Problem) Refuse(string field, string problem) => (null, null, field, problem);

    /// <summary>A change decided on what the person saw: written only at the version they saw.</summary>
    private async Task<ChangeResult> ChangeSeenAsync(
        StaffMember staff,
        string referenceId,
        long seenVersion,
        string action,
        Func<ContactRequest, (ContactRequest? Updated, string? Detail, string? Field, string? Problem)> change,
        CancellationToken cancellationToken)
    {
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return ChangeResult.NotFound;
        }

        if (request.Version != seenVersion)
        {
            return await RefuseStaleAsync(staff, request, action, cancellationToken);
        }

        var (updated, detail, field, problem) = change(request);
        if (updated is null)
        {
            return new ChangeResult(ChangeOutcome.Invalid, request, field, problem);
        }

        var now = time.GetUtcNow();
        updated = updated with { UpdatedAt = now, FirstActionAt = request.FirstActionAt ?? now, Version = request.Version + 1 };
        if (!await requests.TryUpdateAsync(updated, audit.Entry(staff.Email, action, updated.ServiceId, updated.ReferenceId, detail), cancellationToken))
        {
            var latest = await access.FindAsync(staff, referenceId, cancellationToken);
            return latest is null ? ChangeResult.NotFound : await RefuseStaleAsync(staff, latest, action, cancellationToken);
        }

        return new ChangeResult(ChangeOutcome.Changed, updated);
    }

    private async Task<ChangeResult> RefuseStaleAsync(StaffMember staff, ContactRequest latest, string action, CancellationToken cancellationToken)
    {
        await audit.WriteAsync(staff.Email, AuditActions.ChangeRefused, latest.ServiceId, latest.ReferenceId, $"{action}: changed by someone else first", cancellationToken);
        LogConflict(logger, latest.ReferenceId);
        return new ChangeResult(ChangeOutcome.Conflict, latest);
    }

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "A change to request {ReferenceId} was refused: someone else changed it first")]
    private static partial void LogConflict(ILogger logger, string referenceId);

    [LoggerMessage(EventId = 631, Level = LogLevel.Information, Message = "Staff texted the patient of request {ReferenceId}")]
    private static partial void LogTexted(ILogger logger, string referenceId);

    [LoggerMessage(EventId = 632, Level = LogLevel.Information, Message = "Emergency request {ReferenceId} was opened by staff; its alert is cleared")]
    private static partial void LogAlertCleared(ILogger logger, string referenceId);
}
