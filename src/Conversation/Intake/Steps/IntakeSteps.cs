using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>Every step of the conversation, found by its <see cref="Intake.Step"/> or its id.</summary>
public static class IntakeSteps
{
    private static readonly IntakeStep[] All =
    [
        new WelcomeStep(), new ClosedStep(), new EmergencyStep(), new EmergencyAdviceStep(), new RequestTypeStep(),
        new AdviceStep(), new DetailsStep(), new RedFlagStep(), new PhotosStep(), new ProxyStep(), new ProxyNameStep(),
        new ProxyRelationshipStep(), new FollowUpDateOfBirthStep(), new FollowUpDetailsStep(), new FirstNameStep(),
        new LastNameStep(), new DateOfBirthStep(), new GenderStep(), new PostcodeStep(), new PhoneStep(),
        new MobileAccessStep(), new OtpStep(), new ContactPreferenceStep(), new ReviewStep(), new ChangeStep(),
        new SubmittedStep(), new LinkEndedStep(), new ExpiredStep(),
    ];

    private static readonly Dictionary<Step, IntakeStep> ByStep = Index(All);
    private static readonly Dictionary<string, IntakeStep> ById = All.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public static IntakeStep For(Step step) => ByStep[step];

    public static bool TryFind(string id, out Step step)
    {
        var found = ById.TryGetValue(id, out var named);
        step = found ? named!.Step : default;
        return found;
    }

    /// <summary>
    /// The answer to the current step's question, read by the step; before it, what holds at every step: crisis words
    /// are no answer, and the keep word keeps an earlier answer.
    /// </summary>
    internal static async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var s = turn.Session;
        if (turn.Screened.Count > 0 && s.Step != Step.Details)
        {
            // Crisis words are not an answer ("I want to end my life" is no first name): the advice, then the same question.
            turn.Ask(s.Step);
        }
        else if (TextInput.Fold(text) == Questions.KeepWord && Questions.Previous(s.Step, s) is not null)
        {
            // Asked again after back or a change from the review: the earlier answer stands.
            await turn.AdvanceAsync(Trigger.Answered, ct);
        }
        else
        {
            await For(s.Step).AnswerAsync(turn, text, ct);
        }
    }

    /// <summary>Checked once: a <see cref="Intake.Step"/> with no class here would fail every conversation that reached it.</summary>
    private static Dictionary<Step, IntakeStep> Index(IntakeStep[] steps)
    {
        var byStep = steps.ToDictionary(s => s.Step);
        foreach (var step in Enum.GetValues<Step>())
        {
            if (!byStep.ContainsKey(step))
            {
                throw new InvalidOperationException($"The step {step} has no class in Steps/.");
            }
        }

        return byStep;
    }
}
