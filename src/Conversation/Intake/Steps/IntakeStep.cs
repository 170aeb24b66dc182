using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// One step of the conversation: its stable id, its question, whether a conversation needs it, what arriving at it
/// does, and how its answer is read and stored and which trigger that answer fires. Where a trigger leads is the
/// state machine's (<see cref="IntakeMachine"/>); the order of the questions is <see cref="IntakeFlow"/>'s.
/// </summary>
/// <remarks>A step holds no state of its own: one instance serves every conversation.</remarks>
public abstract class IntakeStep
{
    public abstract Step Step { get; }

    /// <summary>The id channels expose (web chat: <c>channelData.step</c>); stable whatever the enum's order.</summary>
    public abstract string Id { get; }

    /// <summary>The conversation has ended here; the next message starts a new one.</summary>
    public virtual bool IsEnd => false;

    /// <summary>A question a conversation may pass over (drawn so in the graph).</summary>
    public virtual bool IsOptional => false;

    /// <summary>The question, with its choices: the last message of a turn.</summary>
    public virtual BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        throw new ArgumentOutOfRangeException(nameof(session), Step, "No question for this step.");

    /// <summary>Whether this conversation needs the question, from its answers so far.</summary>
    public virtual bool IsRequired(IntakeSession session) => true;

    /// <summary>Whether the question has an answer (a change from the review passes over answered ones).</summary>
    public virtual bool IsAnswered(IntakeSession session) => false;

    /// <summary>The answer a free-text question already has (after back, or a change from the review), as shown back.</summary>
    public virtual string? Previous(IntakeSession session) => null;

    /// <summary>How the answer is given on a page (the form, staff entry): radios unless the step says otherwise.</summary>
    public virtual StepInput Input(IntakeSession session) => new(AnswerKind.Choice);

    /// <summary>The browser's autocomplete token for the person's own details; off for someone else's, which it would fill wrongly.</summary>
    protected static string Own(IntakeSession session, string token) => ForSelf(session) ? token : "off";

    /// <summary>What arriving at the step does; false when that already moved the conversation on (nothing to ask here).</summary>
    internal virtual Task<bool> EnterAsync(Turn turn, CancellationToken ct) => Task.FromResult(true);

    /// <summary>Reads the patient's answer: stores it and fires the step's trigger, or says why it cannot be taken.</summary>
    internal virtual Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        throw new InvalidOperationException($"No answer is read at step {Id}.");

    /// <summary>The patient is sending the request for themselves (the questions say "your", not "their").</summary>
    protected static bool ForSelf(IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Answers.Proxy != SubmitterKind.Proxy;
    }

    /// <summary>
    /// Reads a choice; once one is made, <paramref name="store"/> keeps it and the conversation moves on by the trigger
    /// it leads to (<see cref="Trigger.Answered"/> unless <paramref name="trigger"/> says otherwise).
    /// </summary>
    internal static async Task ChooseAsync<T>(Turn turn, ChoiceSet<T> choices, string text, Action<T> store, CancellationToken ct, Func<T, Trigger>? trigger = null)
    {
        if (turn.Choose(choices, text, out var value))
        {
            store(value);
            await turn.AdvanceAsync(trigger?.Invoke(value) ?? Trigger.Answered, ct);
        }
    }
}
