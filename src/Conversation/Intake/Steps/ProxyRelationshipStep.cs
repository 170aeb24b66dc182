using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>For someone else: how the sender knows the patient.</summary>
public sealed class ProxyRelationshipStep : IntakeStep
{
    public static readonly ChoiceSet<Relationship> Choices = new(
        new ChoiceItem<Relationship>(Relationship.ParentOrGuardian, "Parent or guardian", "parent", "guardian", "mum", "dad", "mother", "father"),
        new ChoiceItem<Relationship>(Relationship.Carer, "Carer", "care giver", "caregiver"),
        new ChoiceItem<Relationship>(Relationship.FamilyMember, "Family member", "family", "relative", "son", "daughter", "husband", "wife", "partner", "brother", "sister"),
        new ChoiceItem<Relationship>(Relationship.Friend, "Friend"),
        new ChoiceItem<Relationship>(Relationship.CareProfessional, "Care professional", "professional", "nurse", "social worker", "care worker"),
        new ChoiceItem<Relationship>(Relationship.Other, "Other"));

    public override Step Step => Step.ProxyRelationship;

    public override string Id => "proxy-relationship";

    public override bool IsOptional => true;

    public override bool IsRequired(IntakeSession session) => session.Answers.Proxy == SubmitterKind.Proxy;

    public override bool IsAnswered(IntakeSession session) => session.Answers.ProxyRelationship is not null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new("How do you know the person this request is for?", Step, Choices.Choices);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, relationship => turn.Session.Answers.ProxyRelationship = relationship, ct);
}
