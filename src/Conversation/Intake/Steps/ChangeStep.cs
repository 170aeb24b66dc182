using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Which answer to change from the review; the flow returns to the review once everything the change affects is asked.</summary>
public sealed class ChangeStep : IntakeStep
{
    /// <summary>The answers that can be changed from the review, in the order they are listed.</summary>
    public static readonly ChoiceSet<Step> Choices = new(
        new ChoiceItem<Step>(Step.RequestType, "Type of request", "request type", "type"),
        new ChoiceItem<Step>(Step.Details, "Details", "description"),
        new ChoiceItem<Step>(Step.Proxy, "Who it's for", "who", "proxy"),
        new ChoiceItem<Step>(Step.FirstName, "First name"),
        new ChoiceItem<Step>(Step.LastName, "Last name", "surname"),
        new ChoiceItem<Step>(Step.DateOfBirth, "Date of birth", "dob", "birthday"),
        new ChoiceItem<Step>(Step.Gender, "Gender"),
        new ChoiceItem<Step>(Step.Postcode, "Postcode", "post code"),
        new ChoiceItem<Step>(Step.Phone, "Phone number", "phone", "number", "mobile"),
        new ChoiceItem<Step>(Step.ContactPreference, "How we reply", "contact preference", "reply"));

    public override Step Step => Step.Change;

    public override string Id => "change";

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new("Which answer do you want to change?", Step, Choices.Choices);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (!turn.Choose(Choices, text, out var target))
        {
            return;
        }

        var s = turn.Session;
        s.History.Add(Step);
        s.Changing = true;
        s.InvalidStreak = 0;
        turn.Machine.ChangeTo(target);
        await turn.EnterAsync(ct);
    }
}
