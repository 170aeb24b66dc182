using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Every answer shown back (<see cref="ReviewText"/>): submit, or change an answer.</summary>
public sealed class ReviewStep : IntakeStep
{
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(true, "Submit", "send", "send it", "yes", "y", "submit request"),
        new ChoiceItem<bool>(false, "Change an answer", "change", "edit", "no"));

    public override Step Step => Step.Review;

    public override string Id => "review";

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        ReviewText.Review(session, service);

    internal override Task<bool> EnterAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        s.Changing = false;
        // Kept until a submission is answered: one stored by a try whose answer was lost is found again, however the answers changed since.
        s.PendingReferenceId ??= Inbox.Requests.ReferenceIds.New();
        s.Answers.SuggestedLastName = null;
        return Task.FromResult(true);
    }

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (ReviewText.TryReadDetailsRequest(text, out var part))
        {
            turn.Replies.Add(ReviewText.DetailsPart(turn.Session, part));
            return;
        }

        if (!turn.Choose(Choices, text, out var submit))
        {
            return;
        }

        if (submit)
        {
            await turn.Services.Submission.SubmitAsync(turn, ct);
        }
        else
        {
            await turn.AdvanceAsync(Trigger.Change, ct);
        }
    }
}
