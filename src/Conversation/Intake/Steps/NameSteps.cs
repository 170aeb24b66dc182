using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// The patient's first and last names: one question in two steps. A first name of several words ("Jane Smith") keeps
/// the words before the last and offers the last word as the last name; at the last name, yes takes it, no makes the
/// whole answer the first name and asks the last name, and a name typed instead is the last name.
/// </summary>
public sealed class FirstNameStep : IntakeStep
{
    public override Step Step => Step.FirstName;

    public override string Id => "first-name";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Text, Own(session, "given-name"), Width: "nhsuk-input--width-20");

    /// <summary>Not asked when the patient accepted the details a follow-up link holds.</summary>
    public override bool IsRequired(IntakeSession session) => session.FollowUp?.Stage != FollowUpStage.Accepted;

    public override bool IsAnswered(IntakeSession session) => session.Answers.FirstName is not null;

    public override string? Previous(IntakeSession session)
    {
        var a = session.Answers;
        return a.FirstName is null ? null : NameParser.Display(a.SuggestedLastName is null ? a.FirstName : $"{a.FirstName} {a.SuggestedLastName}");
    }

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Questions.WithPrevious(Previous(session), ForSelf(session) ? "What is your first name?" : "What is their first name?"), Step);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        var name = NameParser.Parse(text, "first name");
        if (!name.Ok)
        {
            turn.Invalid(name.Reason!);
            return;
        }

        if (NameParser.TrySplitLastWord(name.Value!, out var given, out var last))
        {
            // "Jane Smith" when the last name given is already Smith: nothing to ask.
            var known = string.Equals(last, a.LastName, StringComparison.OrdinalIgnoreCase);
            (a.FirstName, a.SuggestedLastName) = (given, known ? null : last);
        }
        else
        {
            (a.FirstName, a.SuggestedLastName) = (name.Value!, null);
        }

        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}

/// <summary>The last name, or yes or no to the last word of the first-name answer.</summary>
public sealed class LastNameStep : IntakeStep
{
    /// <summary>When the first-name answer had a last word that may be the last name.</summary>
    public static readonly ChoiceSet<bool> SuggestedChoices = new(
        new ChoiceItem<bool>(true, "Yes", "y", "yeah", "yep", "yes it is", "correct", "right"),
        new ChoiceItem<bool>(false, "No", "n", "nope", "no it isnt", "not"));

    public override Step Step => Step.LastName;

    public override string Id => "last-name";

    /// <remarks>Asked as yes or no when the first name held a last name too: then its choices make it radios.</remarks>
    public override StepInput Input(IntakeSession session) => new(AnswerKind.Text, Own(session, "family-name"), Width: "nhsuk-input--width-20");

    public override bool IsRequired(IntakeSession session) => session.FollowUp?.Stage != FollowUpStage.Accepted;

    public override bool IsAnswered(IntakeSession session) =>
        session.Answers.LastName is not null && session.Answers.SuggestedLastName is null;

    public override string? Previous(IntakeSession session)
    {
        var a = session.Answers;
        return a.LastName is null || a.SuggestedLastName is not null ? null : NameParser.Display(a.LastName);
    }

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var self = ForSelf(session);
        return session.Answers.SuggestedLastName is { } suggested
            ? new($"Is {NameParser.Display(suggested)} {(self ? "your" : "their")} last name?", Step, SuggestedChoices.Choices)
            : BotReply.Say(Questions.WithPrevious(Previous(session), self ? "What is your last name?" : "What is their last name?"), Step);
    }

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        if (a.SuggestedLastName is not { } suggested)
        {
            var name = NameParser.Parse(text, "last name");
            if (!name.Ok)
            {
                turn.Invalid(name.Reason!);
                return;
            }

            a.LastName = name.Value;
            await turn.AdvanceAsync(Trigger.Answered, ct);
            return;
        }

        var whole = $"{a.FirstName} {suggested}";
        var typed = NameParser.Parse(text, "last name");
        if (typed.Ok && string.Equals(typed.Value, suggested, StringComparison.OrdinalIgnoreCase))
        {
            (a.LastName, a.SuggestedLastName) = (suggested, null);
        }
        else if (SuggestedChoices.Match(text) is { Outcome: ChoiceOutcome.Chosen } choice)
        {
            a.SuggestedLastName = null;
            if (!choice.Value)
            {
                a.FirstName = whole;
                turn.Ask(Step);
                return;
            }

            a.LastName = suggested;
        }
        else if (typed.Ok)
        {
            (a.FirstName, a.LastName, a.SuggestedLastName) = (whole, typed.Value, null);
        }
        else
        {
            turn.Invalid(typed.Reason!);
            return;
        }

        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
