using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake.FollowUp;
using PatientContact.Conversation.Intake.Submission;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>What the steps of one engine work with, beyond the turn itself.</summary>
internal sealed class StepServices
{
    public required IRuleBookProvider Rules { get; init; }
    public required IRequestStore Requests { get; init; }
    public required ConversationOptions Options { get; init; }
    public required ILogger Logger { get; init; }
    public required CodeCheck Codes { get; init; }
    public required FollowUpLinks FollowUps { get; init; }
    public required RequestSubmission Submission { get; init; }
    public required TurnMetrics Metrics { get; init; }
    /// <summary>Where photos are kept; null for an engine built without one (it then takes no photos).</summary>
    public IAttachmentStore? Attachments { get; init; }

    public static StepServices Create(
        IRuleBookProvider rules,
        IRequestStore requests,
        IOutboundSender sender,
        OneTimeCodes codes,
        CodeSendLimiter limiter,
        ISentLinkStore? links,
        ConversationOptions options,
        string? publicBaseUrl,
        VerificationOptions verification,
        TurnMetrics metrics,
        ILogger logger,
        IAttachmentStore? attachments = null)
    {
        var followUps = new FollowUpLinks(links, options, publicBaseUrl, logger);
        return new StepServices
        {
            Rules = rules,
            Requests = requests,
            Options = options,
            Logger = logger,
            Codes = new CodeCheck(codes, limiter, sender, verification, logger),
            FollowUps = followUps,
            Submission = new RequestSubmission(requests, sender, followUps, logger),
            Metrics = metrics,
            Attachments = attachments,
        };
    }
}
