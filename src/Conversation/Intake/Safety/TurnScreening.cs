using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Intake.Safety;

/// <summary>What a turn does with the red flags its text matched (screened before any step read it).</summary>
internal static class TurnScreening
{
    /// <summary>
    /// Words that matched a red-flag rule anywhere but in accepted details (whose red-flag step says it all) are
    /// kept with the conversation for staff, and their advice goes ahead of everything else this turn says.
    /// </summary>
    public static void Apply(Turn turn, ILogger logger)
    {
        var s = turn.Session;
        if (turn.Screened.Count == 0 || turn.AddedToRequest)
        {
            return;
        }

        var words = TextInput.Clean(turn.Input.Text);
        if (s.Answers.Details == words && turn.Screened.All(f => s.Answers.RedFlags.Exists(d => d.Id == f.Id)))
        {
            return;
        }

        foreach (var flag in turn.Screened.Where(f => !s.RaisedFlags.Exists(r => r.Flag.Id == f.Id)))
        {
            s.RaisedFlags.Add(new RaisedFlag(flag, s.Step, words));
        }

        IntakeLog.RedFlag(logger, turn.Service.Id, s.Step.ToId(), turn.Screened.Count);
        turn.Count("red-flag-advice");
        var later = turn.Replies.Select(r => r.Text).ToList();
        var advice = RedFlagAdvice.Without(RedFlagScreening.AdviceNow(turn.Screened, turn.Service, turn.Input.Channel), later);
        turn.Replies.Insert(0, new BotReply(advice, turn.Replies.Count > 0 ? turn.Replies[0].Step : s.Step, []) { Urgent = true });
    }
}
