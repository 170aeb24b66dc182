using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Who the request is for: the patient, or someone else (whose name and relationship are asked next).</summary>
public sealed class ProxyStep : IntakeStep
{
    public static readonly ChoiceSet<SubmitterKind> Choices = new(
        new ChoiceItem<SubmitterKind>(SubmitterKind.Self, "Myself", "me", "my self", "self", "for me"),
        new ChoiceItem<SubmitterKind>(SubmitterKind.Proxy, "Someone else", "someone", "somebody else", "other person", "for someone else"));

    public override Step Step => Step.Proxy;

    public override string Id => "proxy";

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new("Who is this request for?", Step, Choices.Choices);

    public override bool IsAnswered(IntakeSession session) => session.Answers.Proxy is not null;

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, kind => Store(turn.Session.Answers, kind), ct);

    private static void Store(Answers a, SubmitterKind kind)
    {
        if (kind == SubmitterKind.Self)
        {
            a.ProxyName = null;
            a.ProxyRelationship = null;
        }

        a.Proxy = kind;
    }
}
