using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The patient's gender.</summary>
public sealed class GenderStep : IntakeStep
{
    public static readonly ChoiceSet<Gender> Choices = new(
        new ChoiceItem<Gender>(Gender.Female, Gender.Female.Label(), "f", "woman", "girl"),
        new ChoiceItem<Gender>(Gender.Male, Gender.Male.Label(), "m", "man", "boy"),
        new ChoiceItem<Gender>(Gender.Other, Gender.Other.Label(), "non binary", "nonbinary"),
        new ChoiceItem<Gender>(Gender.PreferNotToSay, Gender.PreferNotToSay.Label(), "prefer not", "rather not say", "not say"));

    public override Step Step => Step.Gender;

    public override string Id => "gender";

    public override bool IsAnswered(IntakeSession session) => session.Answers.Gender is not null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new(ForSelf(session) ? "What is your gender?" : "What is their gender?", Step, Choices.Choices);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, gender => turn.Session.Answers.Gender = gender, ct);
}
