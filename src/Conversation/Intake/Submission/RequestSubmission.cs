using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake.FollowUp;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Intake.Submission;

/// <summary>
/// "Submit" at the review: the request stored once under the reference kept since the review (a retried submit
/// finds its own request), the duty alert for an emergency request, and the confirmation text.
/// </summary>
internal sealed partial class RequestSubmission(IRequestStore requests, IOutboundSender sender, FollowUpLinks followUps, ILogger logger)
{
    public async Task SubmitAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        FollowUpTag? tag = null;
        if (s.FollowUp is { } followUp)
        {
            if (await followUps.FindOpenAsync(turn, ct) is not { } link)
            {
                followUps.End(turn);
                return;
            }

            // The NHS number staff gave goes with the request only when the patient said the details held are theirs.
            tag = new FollowUpTag(link.Id, link.Pathway ?? string.Empty, followUp.Stage == FollowUpStage.Accepted ? link.NhsNumber : null);
        }

        var referenceId = s.PendingReferenceId ??= ReferenceIds.New();
        ContactRequest submitted;
        for (var collisions = 0; ; collisions++)
        {
            var request = submitted = SubmittedRequest.Build(turn, referenceId) with { FollowUp = tag };
            if (await requests.AddAsync(request, ct) == AddResult.Added)
            {
                LogSubmitted(logger, referenceId, turn.Service.Id);
                break;
            }

            var existing = await requests.GetAsync(referenceId, ct);
            if (existing?.ConversationKey == turn.Input.ConversationKey)
            {
                // Stored by an earlier try whose answer was lost (a fault after the insert): the same turn
                // again, or the patient changed an answer and submitted again. One request, as submitted last.
                await ReplaceIfChangedAsync(existing, request, turn.Now, ct);
                break;
            }

            if (collisions == 5)
            {
                throw new InvalidOperationException("Could not find a free reference ID.");
            }

            referenceId = s.PendingReferenceId = ReferenceIds.New();
        }

        s.ReferenceId = referenceId;
        s.SubmittedAt = turn.Now;
        turn.Machine.Fire(Trigger.Submit);
        turn.Count("submitted");
        if (DutyAlerts.For(turn.Service, submitted) is { } alert)
        {
            turn.AfterCommit.Add(c => QueueDutyAlertAsync(alert, turn.Service.Id, referenceId, c));
        }

        if (SmsWording.SendsConfirmation(s, turn.Input) && SenderNumbers.For(turn.Service) is { } from)
        {
            var body = SmsWording.ConfirmationText(s, turn.Service, referenceId);
            var to = s.Answers.Phone!;
            var onRequest = new RequestLink(referenceId, turn.Service.Id);
            turn.AfterCommit.Add(c => sender.QueueAsync(new OutboundText(to, body, TextPurpose.Confirmation, $"confirmation:{referenceId}", From: from, OnRequest: onRequest), c));
        }

        turn.Ask(Step.Submitted);
    }

    /// <summary>Gives the stored request what the patient submitted last; staff's changes to it stay, and changed details are matched again.</summary>
    private async Task ReplaceIfChangedAsync(ContactRequest existing, ContactRequest submitted, DateTimeOffset now, CancellationToken ct)
    {
        var replacement = existing with
        {
            RequestTypeId = submitted.RequestTypeId,
            RequestType = submitted.RequestType,
            Details = submitted.Details,
            Patient = submitted.Patient,
            SubmittedBy = submitted.SubmittedBy,
            Contact = submitted.Contact,
            RedFlags = existing.RedFlags.SequenceEqual(submitted.RedFlags) ? existing.RedFlags : submitted.RedFlags,
            FollowUp = submitted.FollowUp,
        };
        if (replacement == existing)
        {
            return;
        }

        var rematch = replacement.Patient != existing.Patient || replacement.Contact != existing.Contact || replacement.FollowUp != existing.FollowUp;
        replacement = replacement with
        {
            Match = rematch ? MatchResult.Pending : existing.Match,
            UpdatedAt = now,
            Version = existing.Version + 1,
        };
        if (!await requests.TryUpdateAsync(replacement, ct))
        {
            // Changed by someone else between the read and the write: this turn fails, and its retry reads again.
            throw new InvalidOperationException("The stored request changed while the resubmission was written.");
        }

        LogResubmitted(logger, existing.ReferenceId, existing.ServiceId);
    }

    private async Task QueueDutyAlertAsync(OutboundText alert, string serviceId, string referenceId, CancellationToken ct)
    {
        // A repeat of the same request's alert queues nothing; a duty number that sent STOP gets nothing either.
        var queued = await sender.QueueAsync(alert, ct);
        if (queued == QueueResult.Queued)
        {
            LogDutyAlert(logger, referenceId, serviceId);
        }
        else if (queued != QueueResult.AlreadyQueued)
        {
            LogDutyAlertNotQueued(logger, referenceId, serviceId, queued);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {ReferenceId} submitted to service {ServiceId}")]
    private static partial void LogSubmitted(ILogger logger, string referenceId, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId} for service {ServiceId}, stored by a try whose answer was lost, now holds what was submitted again")]
    private static partial void LogResubmitted(ILogger logger, string referenceId, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duty alert queued for emergency request {ReferenceId} of service {ServiceId}")]
    private static partial void LogDutyAlert(ILogger logger, string referenceId, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duty alert for emergency request {ReferenceId} of service {ServiceId} was not queued: {Result}")]
    private static partial void LogDutyAlertNotQueued(ILogger logger, string referenceId, string serviceId, QueueResult result);
}
