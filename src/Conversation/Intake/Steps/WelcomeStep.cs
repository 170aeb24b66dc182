using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>A conversation that has not asked anything yet: its first message, whatever it says, starts it.</summary>
public sealed class WelcomeStep : IntakeStep
{
    public override Step Step => Step.Welcome;

    public override string Id => "welcome";

    /// <summary>The service's own welcome (services.json <c>welcomeMessage</c>), or the standard one.</summary>
    public static string Message(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.WelcomeMessage?.Replace("{service}", service.Name, StringComparison.Ordinal)
            ?? $"Welcome to {service.Name}. You can use this to send us a request that is not urgent. It takes about 5 minutes.";
    }

    /// <summary>
    /// The welcome, then the first question; or, when the follow-up link the conversation came from has ended or the
    /// service is not taking requests now, why not.
    /// </summary>
    internal static async Task BeginAsync(Turn turn, CancellationToken ct)
    {
        var service = turn.Service;
        var services = turn.Services;
        var requestsToday = service.DailyCapacity is null
            ? 0
            : await services.Requests.CountSinceAsync(service.Id, LondonTime.StartOfDay(turn.Now), ct);
        var availability = await services.Rules.Current.GetAvailabilityAsync(service, turn.Input.Channel.RuleName(), turn.Now, requestsToday);
        turn.Session.StartedAt = turn.Now;
        turn.Say(Message(service));
        if (turn.Input.FollowUpLinkId is { } linkId)
        {
            // The link is the channel's to give on every turn, so a restart or an expiry keeps it.
            turn.Session.FollowUp = new FollowUpState { LinkId = linkId };
            if (await services.FollowUps.FindOpenAsync(turn, ct) is null)
            {
                services.FollowUps.End(turn);
                return;
            }
        }

        if (!availability.IsOpen)
        {
            turn.Machine.Fire(Trigger.ServiceClosed);
            turn.Count("closed");
            turn.Replies.Add(Questions.Ask(Step.Closed, turn.Session, service, availability));
            return;
        }

        turn.Machine.Fire(Trigger.Open);
        turn.Ask(Step.Emergency);
    }
}
