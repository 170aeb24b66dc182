using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>What the request is about, from the types the rules offer this service now; an advice type ends with a link.</summary>
public sealed class RequestTypeStep : IntakeStep
{
    public override Step Step => Step.RequestType;

    public override string Id => "request-type";

    /// <summary>
    /// The request types a service offers, read by number, label, examples or the rule's synonyms, and by a
    /// synonym anywhere in a sentence ("I need a sick note").
    /// </summary>
    public static ChoiceSet<RequestTypeOption> Choices(IReadOnlyList<RequestTypeOption> offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        return new([.. offered.Select(t => new ChoiceItem<RequestTypeOption>(t, t.ChoiceLabel, [t.Label, .. t.Synonyms]))], findInSentences: true);
    }

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new("What is your request about?", Step, Choices(session.OfferedTypes).Choices);

    public override bool IsAnswered(IntakeSession session) => session.Answers.RequestTypeId is not null;

    /// <summary>The types are read from the rules on arrival and kept, so the answer is read against what was shown.</summary>
    internal override async Task<bool> EnterAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        s.OfferedTypes = [.. await turn.Services.Rules.Current.GetRequestTypesAsync(turn.Service, turn.Input.Channel.RuleName(), turn.Now)];
        if (s.OfferedTypes.Count == 0)
        {
            throw new InvalidOperationException($"The rules offer no request types for service {turn.Service.Id}.");
        }

        return true;
    }

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (!turn.Choose(Choices(turn.Session.OfferedTypes), text, out var type))
        {
            return;
        }

        var a = turn.Session.Answers;
        a.RequestTypeId = type.Id;
        a.RequestTypeLabel = type.Label;
        await turn.AdvanceAsync(type.Kind == RequestKind.Advice ? Trigger.ChoseAdvice : Trigger.Answered, ct);
    }
}
