using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Steps;

namespace PatientContact.Conversation.Intake;

/// <summary>The words that work the same at every step, before the step reads an answer.</summary>
internal static class Commands
{
    /// <summary>What works at every step: restart (or start again), help and back. False for any other text.</summary>
    public static async Task<bool> RunAsync(Turn turn, string text, CancellationToken ct)
    {
        var s = turn.Session;
        switch (TextInput.Fold(text))
        {
            case "restart" or "start again" or "start over":
                turn.Machine.Fire(Trigger.Restart);
                s.StartAgain(turn.Now, keepRaisedFlags: true);
                await WelcomeStep.BeginAsync(turn, ct);
                return true;
            case "help":
                turn.Say(Questions.Help(turn.Service));
                turn.AskAgain();
                return true;
            case "back" or "go back" when s.History.Count == 0 || !turn.Machine.CanFire(Trigger.Back):
                turn.Say(Questions.FirstQuestion);
                turn.Ask(s.Step);
                return true;
            case "back" or "go back":
                turn.Machine.Fire(Trigger.Back);
                s.History.RemoveAt(s.History.Count - 1);
                s.InvalidStreak = 0;
                await turn.EnterAsync(ct);
                return true;
            default:
                return false;
        }
    }
}
