using System.Globalization;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// The details of the request, in the patient's words. Every text is screened for red flags before any step reads it;
/// here the matches are kept with the details, and the red-flag step follows when there are any.
/// </summary>
public sealed class DetailsStep : IntakeStep
{
    /// <summary>The most the details may hold (and the longest message any step reads).</summary>
    public const int MaxLength = 1000;

    /// <summary>The minimum length of the details: "1" or "ok" tells staff nothing; "fit note" and "sore knee" do.</summary>
    public const int MinLength = 8;

    public override Step Step => Step.Details;

    public override string Id => "details";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.LongText, "off", Spellcheck: true, MaxLength: MaxLength);

    public static string TooShort(int length) =>
        $"Please tell us a bit more, so we know what you need. Write at least {MinLength} characters (yours has {length}).";

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var chosen = session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId);
        var ask = chosen?.DetailsPrompt ?? (ForSelf(session)
            ? "Tell us about your request: what it is about, and what you need from us."
            : "Tell us about the request for the person you're helping: what it is about, and what they need.");
        var question = $"{ask} You can write up to 1,000 characters.";
        if (Previous(session) is not { } previous)
        {
            return BotReply.Say(question, Step);
        }

        var shown = SmsWording.PreviousDetails(session.Channel, previous);
        return BotReply.Say($"{question}\nYou wrote: \"{shown}\"\nReply {Questions.KeepWord} to keep it, or send a new answer.", Step);
    }

    public override bool IsAnswered(IntakeSession session) => session.Answers.Details is not null;

    public override string? Previous(IntakeSession session) => session.Answers.Details;

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (text.Length > MaxLength)
        {
            turn.Invalid($"Please keep it to {MaxLength:N0} characters or fewer. Yours has {text.Length:N0}.");
            return;
        }

        if (new StringInfo(text).LengthInTextElements is var length && length < MinLength)
        {
            turn.Invalid(TooShort(length));
            return;
        }

        var a = turn.Session.Answers;
        a.Details = text;
        a.RedFlags = [.. turn.Screened];
        a.RedFlagsAcknowledged = false;
        if (a.RedFlags.Count > 0)
        {
            IntakeLog.RedFlag(turn.Services.Logger, turn.Service.Id, Id, a.RedFlags.Count);
            turn.RedFlagSeverities.AddRange(a.RedFlags.Select(f => f.Severity));
        }

        await turn.AdvanceAsync(Trigger.Answered, ct);
    }
}
