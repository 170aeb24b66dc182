namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Idle too long: the answers were deleted; the next message starts again with an explanation.</summary>
public sealed class ExpiredStep : IntakeStep
{
    public override Step Step => Step.Expired;

    public override string Id => "expired";

    public override bool IsEnd => true;

    /// <summary>
    /// A conversation idle too long (wiped by the purger, or come back to before the purger got to it): counted where
    /// it stopped, then started again, saying why.
    /// </summary>
    internal static void StartAgain(Turn turn)
    {
        var s = turn.Session;
        if (s.Step != Step.Expired)
        {
            // Given up before the purger got to it: counted where it stopped, as the purger counts it.
            var (stoppedAt, lastActive) = (s.Step, s.LastActivityAt);
            turn.AfterCommit.Add(c => turn.Services.Metrics.CountStopAsync(turn.Service.Id, stoppedAt, lastActive, c));
        }

        IntakeLog.Expired(turn.Services.Logger, turn.Service.Id);
        s.StartAgain(turn.Now);
        turn.Say(Notice(turn.Services.Options.IdleTimeout));
    }

    public static string Notice(TimeSpan idle) =>
        $"Your earlier answers were deleted because there was no reply for {Minutes(idle)}. Let's start again.";

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 120 && span.TotalMinutes % 60 == 0
            ? $"{span.TotalHours:0} hours"
            : $"{span.TotalMinutes:0} minutes";
}
