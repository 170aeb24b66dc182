using PatientContact.Conversation.Intake.Steps;
using Stateless;
using Stateless.Graph;
using Stateless.Reflection;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// The conversation's state machine, built over the attached session's own <see cref="IntakeSession.Step"/>.
/// It owns which moves are allowed; parsing answers and saying things is the engine's job.
/// A trigger a step does not accept throws: the engine asks <see cref="CanFire"/> first on purpose.
/// </summary>
/// <remarks>
/// Configuring the machine costs more than a whole turn, so one instance is configured once and
/// reused: <see cref="Attach"/> points it at the session of the turn in hand. An instance drives one
/// turn at a time; the engine keeps a pool of them.
/// </remarks>
public sealed class IntakeMachine
{
    private readonly StateMachine<Step, Trigger> _machine;
    private readonly StateMachine<Step, Trigger>.TriggerWithParameters<Step> _changeAnswer;
    private IntakeSession _session = new();

    public IntakeMachine(bool includeGlobalCommands = true)
    {
        _machine = new StateMachine<Step, Trigger>(() => _session.Step, step => _session.Step = step);
        _changeAnswer = _machine.SetTriggerParameters<Step>(Trigger.ChangeAnswer);

        _machine.Configure(Step.Welcome)
            .Permit(Trigger.Open, Step.Emergency)
            .Permit(Trigger.ServiceClosed, Step.Closed)
            .Permit(Trigger.LinkEnded, Step.LinkEnded);

        _machine.Configure(Step.Emergency)
            .Permit(Trigger.IsEmergency, Step.EmergencyAdvice)
            .Permit(Trigger.Answered, Step.RequestType);

        _machine.Configure(Step.RequestType)
            .Permit(Trigger.ChoseAdvice, Step.Advice)
            .PermitDynamic(Trigger.Answered, () => IntakeFlow.Next(Step.RequestType, _session), "next needed", Possible(Step.RequestType));

        _machine.Configure(Step.RedFlag)
            .Permit(Trigger.StopHere, Step.EmergencyAdvice)
            .PermitDynamic(Trigger.Answered, () => IntakeFlow.Next(Step.RedFlag, _session), "next needed", Possible(Step.RedFlag));

        foreach (var step in IntakeFlow.Order)
        {
            if (step is Step.Emergency or Step.RequestType or Step.RedFlag or Step.Review)
            {
                continue;
            }

            var from = step;
            _machine.Configure(step)
                .PermitDynamic(Trigger.Answered, () => IntakeFlow.Next(from, _session), "next needed", Possible(from));
        }

        // A personal follow-up link is checked when the conversation starts, before its details are offered, and on sending.
        _machine.Configure(Step.FollowUpDateOfBirth)
            .Permit(Trigger.LinkEnded, Step.LinkEnded);

        _machine.Configure(Step.Review)
            .Permit(Trigger.Submit, Step.Submitted)
            .Permit(Trigger.Change, Step.Change)
            .Permit(Trigger.LinkEnded, Step.LinkEnded);

        _machine.Configure(Step.Change)
            .PermitDynamic(_changeAnswer, target => target, "the answer chosen", ChangeTargets());

        if (!includeGlobalCommands)
        {
            return;
        }

        foreach (var step in Enum.GetValues<Step>())
        {
            var configuration = _machine.Configure(step);
            if (step != Step.Welcome)
            {
                configuration.Permit(Trigger.Restart, Step.Welcome);
            }

            if (step != Step.Expired)
            {
                configuration.Permit(Trigger.Expire, Step.Expired);
            }

            if (step is not (Step.Welcome or Step.Emergency) && !step.IsEnd())
            {
                configuration.PermitDynamic(Trigger.Back, () => _session.History[^1]);
            }
        }
    }

    /// <summary>Makes this machine drive <paramref name="session"/> until the next call.</summary>
    public IntakeMachine Attach(IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        return this;
    }

    public bool CanFire(Trigger trigger) => _machine.CanFire(trigger);

    public void Fire(Trigger trigger) => _machine.Fire(trigger);

    public void ChangeTo(Step answer) => _machine.Fire(_changeAnswer, answer);

    /// <summary>The conversation as a Mermaid state diagram, forward moves only (back, restart and expiry apply everywhere).</summary>
    public static string ToMermaid()
    {
        var machine = new IntakeMachine(includeGlobalCommands: false);
        return MermaidGraph.Format(machine._machine.GetInfo());
    }

    private static DynamicStateInfos Possible(Step from)
    {
        var infos = new DynamicStateInfos();
        foreach (var to in IntakeFlow.PossibleNext(from).Append(Step.Review).Distinct())
        {
            infos.Add(to, to == Step.Review ? "nothing else needed" : "needed");
        }

        return infos;
    }

    private static DynamicStateInfos ChangeTargets()
    {
        var infos = new DynamicStateInfos();
        foreach (var item in ChangeStep.Choices.Items)
        {
            infos.Add(item.Value, item.Label);
        }

        return infos;
    }
}
