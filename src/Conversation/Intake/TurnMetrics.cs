using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Telemetry;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>What a stored turn counts: the usage counters of the service's day (UK) and the metrics.</summary>
internal sealed class TurnMetrics(IUsageCounterStore counters, PatientContactTelemetry? telemetry)
{
    /// <summary>"Where patients stop": a conversation given up at a step, counted on the (UK) day it was last used.</summary>
    public Task CountStopAsync(string serviceId, Step step, DateTimeOffset lastActive, CancellationToken ct) =>
        counters.IncrementAsync(serviceId, UsageCounterNames.StoppedAt(step.ToId()), LondonTime.Today(lastActive), ct);

    public async Task CountAsync(Turn turn, CancellationToken ct)
    {
        var day = LondonTime.Today(turn.Now);
        foreach (var counter in turn.Counts)
        {
            await counters.IncrementAsync(turn.Service.Id, counter, day, ct);
        }
    }

    /// <summary>The turn's metrics, once it is stored: the step it left the patient at, and what happened on the way.</summary>
    public void Record(Turn turn)
    {
        if (telemetry is null)
        {
            return;
        }

        var channel = turn.Input.Channel.RuleName();
        telemetry.Turn(channel, turn.Session.Step.ToId());
        foreach (var counter in turn.Counts)
        {
            if (counter == "submitted")
            {
                telemetry.Submitted(channel, turn.Service.Id);
            }
            else if (counter == "emergency-advice")
            {
                telemetry.EmergencyAdviceShown(channel, turn.Service.Id);
            }
        }

        foreach (var severity in turn.RedFlagSeverities)
        {
            telemetry.RedFlag(severity);
        }
    }
}
