using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// The working state of one turn: the session being changed, what the patient sent, the replies so far, and what
/// must happen once the new state is stored. Steps read and answer through it.
/// </summary>
internal sealed class Turn(IntakeSession session, ServiceDefinition service, TurnInput input, DateTimeOffset now, IntakeMachine machine, StepServices services)
{
    public IntakeSession Session { get; } = session;
    public ServiceDefinition Service { get; } = service;
    public TurnInput Input { get; } = input;
    public DateTimeOffset Now { get; } = now;
    public IntakeMachine Machine { get; } = machine;
    public StepServices Services { get; } = services;
    public List<BotReply> Replies { get; } = [];

    /// <summary>Side effects that must only happen once the new state is safely stored (texts, counters).</summary>
    public List<Func<CancellationToken, Task>> AfterCommit { get; } = [];

    /// <summary>The red-flag rules this turn's text matched, most serious first.</summary>
    public IReadOnlyList<RedFlagMatch> Screened { get; set; } = [];

    /// <summary>The text went onto a submitted request rather than into the conversation.</summary>
    public bool AddedToRequest { get; set; }

    public List<string> Counts { get; } = [];

    /// <summary>The severity of each red flag found in this turn's answer, for the metrics.</summary>
    public List<string> RedFlagSeverities { get; } = [];

    public void Say(string text) => Replies.Add(BotReply.Say(text, Session.Step));

    /// <summary>Why something sent was not taken, without counting it as a wrong answer (a page shows it as an error).</summary>
    public void Refuse(string reason) => Replies.Add(BotReply.Say(reason, Session.Step) with { Reason = true });

    public void Ask(Step step) => Replies.Add(Questions.Ask(step, Session, Service));

    /// <summary>The question again after another message. By SMS the review is asked in short, so the message before it still fits.</summary>
    public void AskAgain() => Replies.Add(SmsWording.AskAgain(Session, Service));

    /// <summary>An answer that cannot be taken: why, the phone number after too many in a row, and the question again.</summary>
    public void Invalid(string reason) => Invalid(reason, Services.Options.StrikesBeforePhone);

    public void Invalid(string reason, int strikes)
    {
        Session.InvalidStreak++;
        var text = Session.InvalidStreak >= strikes ? $"{reason} {Questions.Strikes(Service)}" : reason;
        Replies.Add(BotReply.Say(text, Session.Step) with { Reason = true });
        Ask(Session.Step);
    }

    /// <summary>
    /// Reads a choice. An answer that fits several choices asks which one (not counted as a wrong answer);
    /// one that fits none says how to answer. Either way the question is asked again and false returned.
    /// </summary>
    public bool Choose<T>(ChoiceSet<T> choices, string text, out T value)
    {
        var match = choices.Match(text);
        value = match.Value!;
        switch (match.Outcome)
        {
            case ChoiceOutcome.Chosen:
                return true;
            case ChoiceOutcome.Ambiguous:
                Replies.Add(BotReply.Say(Questions.WhichOne(choices, match.Candidates), Session.Step) with { Reason = true });
                Ask(Session.Step);
                return false;
            default:
                // Nothing chosen only happens on a page (a chat's empty message asks again).
                Invalid(text.Length == 0 ? Questions.ChooseOne : Questions.ChoiceError(choices));
                return false;
        }
    }

    public void Count(string counter) => Counts.Add(counter);

    /// <summary>Fires a forward move, remembers where it came from (for back), then enters the new step.</summary>
    public async Task AdvanceAsync(Trigger trigger, CancellationToken ct)
    {
        var from = Session.Step;
        Machine.Fire(trigger);
        Session.History.Add(from);
        Session.InvalidStreak = 0;
        await EnterAsync(ct);
    }

    /// <summary>What happens on arriving at the current step, then its question (unless arriving moved the conversation on).</summary>
    public async Task EnterAsync(CancellationToken ct)
    {
        if (await IntakeSteps.For(Session.Step).EnterAsync(this, ct))
        {
            Ask(Session.Step);
        }
    }
}
