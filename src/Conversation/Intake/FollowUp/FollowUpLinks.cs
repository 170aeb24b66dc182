using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.FollowUp;

/// <summary>
/// A conversation opened from a personal follow-up link: whether the link is still open, the date of birth that
/// unlocks the details it holds, and accepting or declining them.
/// </summary>
internal sealed partial class FollowUpLinks(ISentLinkStore? links, ConversationOptions options, string? publicBaseUrl, ILogger logger)
{
    /// <summary>
    /// The date of birth on a personal follow-up link. When it is the one staff gave (and the link is still open
    /// and has tries left), the details held are offered next; otherwise nothing is shown or hinted, the date is
    /// kept as the patient's answer and the usual questions follow. A date that does not match counts against the link.
    /// </summary>
    public async Task ConfirmAsync(Turn turn, string text, CancellationToken ct)
    {
        var born = DateOfBirthParser.Parse(text, LondonTime.Today(turn.Now));
        if (!born.Ok)
        {
            turn.Invalid(born.Reason!);
            return;
        }

        var followUp = turn.Session.FollowUp!;
        var link = await FindOpenAsync(turn, ct);
        if (link is null)
        {
            End(turn);
            return;
        }

        var a = turn.Session.Answers;
        Undo(turn);
        a.DateOfBirth = born.Value;
        var matches = link.DateOfBirth == born.Value;
        if (matches && link.FailedConfirmations < options.FollowUpConfirmationTries)
        {
            followUp.Stage = FollowUpStage.Offered;
            followUp.OfferedFirstName = link.FirstName;
            followUp.OfferedLastName = link.LastName;
            followUp.OfferedPhone = link.Phone;
        }
        else
        {
            followUp.Stage = FollowUpStage.NotOffered;
            if (!matches)
            {
                LogNotConfirmed(logger, turn.Service.Id);
                turn.AfterCommit.Add(c => CountFailedConfirmationAsync(link.Id, c));
            }
        }

        await turn.AdvanceAsync(Trigger.Answered, ct);
    }

    /// <summary>"Yes, they're right" makes the details held the answers; "no" asks the questions as usual.</summary>
    public void Accept(Turn turn, bool right)
    {
        var followUp = turn.Session.FollowUp!;
        Undo(turn);
        if (!right)
        {
            followUp.Stage = FollowUpStage.Declined;
            return;
        }

        var a = turn.Session.Answers;
        a.FirstName = followUp.OfferedFirstName;
        a.LastName = followUp.OfferedLastName;
        var phone = PhoneParser.Parse(followUp.OfferedPhone ?? string.Empty);
        if (phone.Ok)
        {
            PhoneStep.Set(turn, phone.Value!);
        }

        followUp.Stage = phone.Ok ? FollowUpStage.Accepted : FollowUpStage.Declined;
    }

    /// <summary>The conversation's follow-up link when it is still open for this service; null when it has ended, was ended early, or is not this service's.</summary>
    public async Task<SentLink?> FindOpenAsync(Turn turn, CancellationToken ct)
    {
        if (links is null || turn.Session.FollowUp is not { } followUp)
        {
            return null;
        }

        var link = await links.GetAsync(followUp.LinkId, ct);
        return link is { Kind: SentLinkKind.FollowUp } && link.ServiceId == turn.Service.Id && link.IsOpenAt(turn.Now) ? link : null;
    }

    /// <summary>Tells the patient the link has ended, and how to reach the service instead.</summary>
    public void End(Turn turn)
    {
        LogLinkEnded(logger, turn.Service.Id);
        turn.Machine.Fire(Trigger.LinkEnded);
        turn.Count("follow-up-link-ended");
        turn.Replies.Add(BotReply.Say(LinkEndedStep.Message(turn.Service, publicBaseUrl), Step.LinkEnded));
    }

    /// <summary>Takes back details accepted earlier (the patient went back and answers again).</summary>
    private static void Undo(Turn turn)
    {
        var followUp = turn.Session.FollowUp!;
        if (followUp.Stage != FollowUpStage.Accepted)
        {
            return;
        }

        var a = turn.Session.Answers;
        a.FirstName = a.LastName = null;
        a.Phone = null;
        a.PhoneIsMobile = false;
        a.MobileAccess = null;
        a.Verified = false;
        a.VerifiedBy = null;
        a.ContactPreference = null;
        followUp.Stage = FollowUpStage.Offered;
    }

    private async Task CountFailedConfirmationAsync(string linkId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await links!.GetAsync(linkId, ct) is not { } link
                || await links.TryUpdateAsync(link with { FailedConfirmations = link.FailedConfirmations + 1, Version = link.Version + 1 }, ct))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A follow-up link conversation for service {ServiceId} gave a date of birth that did not match; no details were shown")]
    private static partial void LogNotConfirmed(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A follow-up link for service {ServiceId} has ended; the conversation was told so")]
    private static partial void LogLinkEnded(ILogger logger, string serviceId);
}
