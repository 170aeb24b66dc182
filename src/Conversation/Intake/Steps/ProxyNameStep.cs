using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>For someone else: the name of the person sending the request.</summary>
public sealed class ProxyNameStep : IntakeStep
{
    public override Step Step => Step.ProxyName;

    public override string Id => "proxy-name";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Text, "name", Width: "nhsuk-input--width-30");

    public override bool IsOptional => true;

    public override bool IsRequired(IntakeSession session) => session.Answers.Proxy == SubmitterKind.Proxy;

    public override bool IsAnswered(IntakeSession session) => session.Answers.ProxyName is not null;

    public override string? Previous(IntakeSession session) =>
        session.Answers.ProxyName is { } name ? NameParser.Display(name) : null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Questions.WithPrevious(Previous(session), "What is your name?"), Step);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var name = NameParser.Parse(text, "your name", maxLength: 70);
        if (!name.Ok)
        {
            turn.Invalid(name.Reason!);
            return;
        }

        turn.Session.Answers.ProxyName = name.Value;
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
