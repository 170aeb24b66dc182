using System.Globalization;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>Where a set of form pages lives and what frames it: the patient's pages or the inbox's.</summary>
/// <param name="BasePath"><c>/c/{serviceId}/form</c>, or <c>/inbox/new</c>.</param>
/// <param name="TokenField">The anti-forgery field's name.</param>
/// <param name="Token">The anti-forgery token for this page's forms.</param>
public sealed record FormSite(string BasePath, bool Staff, string TokenField, string Token)
{
    public string StepPath(Step step) => $"{BasePath}/{step.ToId()}";

    public string ChangePath(Step step) => $"{BasePath}/change/{step.ToId()}";
}

/// <summary>One page of the form: a question with its field, or the review, the confirmation, or an ending.</summary>
public sealed record FormPage
{
    public required FormSite Site { get; init; }
    public required ServiceDefinition Service { get; init; }
    public required IntakeSession Session { get; init; }
    /// <summary>The step the page shows; <see cref="Step.Expired"/> when the answers were (or are due to be) deleted.</summary>
    public required Step Step { get; init; }
    public required string Heading { get; init; }
    public IReadOnlyList<string> Hint { get; init; } = [];
    /// <summary>Words the page says before its question (an ending's whole message, the red-flag advice).</summary>
    public IReadOnlyList<string> Body { get; init; } = [];
    public IReadOnlyList<Choice> Choices { get; init; } = [];
    public required StepInput Input { get; init; }
    public IReadOnlyList<string> Notices { get; init; } = [];
    public IReadOnlyList<string> Urgent { get; init; } = [];
    public IReadOnlyList<string> Problems { get; init; } = [];
    /// <summary>After three wrong answers in a row: the service's phone number.</summary>
    public string? StrikesHelp { get; init; }
    /// <summary>What the fields show: <c>answer</c>, or <c>answer-day</c>, <c>answer-month</c>, <c>answer-year</c>.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
    public required string InputId { get; init; }
    /// <summary>Set on a review "Change" page: the answer being changed (the conversation is still at the review).</summary>
    public Step? ChangeOf { get; init; }
    public bool CanGoBack { get; init; }
    public string PostedStep => ChangeOf?.ToId() ?? Step.ToId();

    public string Title => (Problems.Count > 0 ? "Error: " : string.Empty) + Heading;

    /// <summary>The id the error summary links to: the field, or its first radio or date part.</summary>
    public string FieldId => Input.Kind switch
    {
        AnswerKind.Choice => "answer-1",
        AnswerKind.Date => "answer-day",
        _ => "answer",
    };
}

/// <summary>Builds a page from the conversation and what the last turn said.</summary>
public static class FormPages
{
    public static FormPage Build(
        FormSite site, ServiceDefinition service, IntakeSession session, bool expired, TimeSpan idleTimeout,
        IReadOnlyList<BotReply> said, IReadOnlyDictionary<string, string>? typed = null, Step? changeOf = null, bool endsWithQuestion = true)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(said);
        var inputId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var step = changeOf ?? session.Step;
        if (expired)
        {
            return new FormPage
            {
                Site = site, Service = service, Session = session, Step = Step.Expired, InputId = inputId,
                Heading = "Your answers were deleted",
                Body = [Intake.Steps.ExpiredStep.Notice(idleTimeout).Replace(" Let's start again.", string.Empty, StringComparison.Ordinal), "Nothing was sent. You can start again."],
                Input = new StepInput(AnswerKind.Text),
            };
        }

        // A turn's last reply is its question (what was kept for a redirect has it only for an ending); what came before it is shown above the question.
        var question = (endsWithQuestion || step.IsEnd()) && said.Count > 0 && said[^1].Step == step && !said[^1].Reason && !said[^1].Urgent ? said[^1] : null;
        var before = question is null ? said : said.Take(said.Count - 1).ToList();
        var notices = new List<string>();
        var urgent = new List<string>();
        var problems = new List<string>();
        string? strikes = null;
        var strikesText = Questions.Strikes(service);
        foreach (var reply in before)
        {
            if (reply.Urgent)
            {
                urgent.Add(reply.Text);
            }
            else if (reply.Reason)
            {
                var text = reply.Text;
                if (text.EndsWith(strikesText, StringComparison.Ordinal) && text.Length > strikesText.Length)
                {
                    strikes = strikesText;
                    text = text[..^strikesText.Length].TrimEnd();
                }

                problems.Add(text);
            }
            else if (reply.Text != Intake.Steps.WelcomeStep.Message(service) || step == Step.Emergency)
            {
                notices.Add(reply.Text);
            }
        }

        var page = new FormPage
        {
            Site = site, Service = service, Session = session, Step = step, InputId = inputId, ChangeOf = changeOf,
            Heading = string.Empty, Input = StepInput.For(step, session),
            Notices = notices, Urgent = urgent, Problems = problems, StrikesHelp = strikes,
            CanGoBack = changeOf is not null || (session.History.Count > 0 && step is not (Step.Emergency or Step.Welcome) && !step.IsEnd()),
        };

        switch (step)
        {
            case Step.Review:
                return page with { Heading = "Check your answers before sending your request" };
            case Step.Submitted:
                return page with { Heading = "Request sent", Body = Lines(Questions.Ask(step, session, service).Text) };
            case Step.Closed or Step.EmergencyAdvice or Step.Advice or Step.LinkEnded:
                var ending = question ?? Questions.Ask(step, session, service);
                return page with { Heading = EndingHeading(step, service), Body = Lines(ending.Text) };
        }

        var asked = Questions.Ask(step, session, service);
        var (heading, hint) = Split(asked.Text);
        var input = page.Input;
        if (asked.Choices.Count > 0)
        {
            input = input with { Kind = AnswerKind.Choice };
        }

        var body = new List<string>();
        if (step == Step.RedFlag)
        {
            body.AddRange(Lines(asked.Text));
            hint = [];
        }
        else if (step == Step.FollowUpDetails)
        {
            body.AddRange(Lines(asked.Text)[..^1]);
            heading = "Are they right?";
            hint = [];
        }

        return page with
        {
            Heading = input.Question ?? heading,
            Hint = input.Hint is { } own ? [own] : hint,
            Body = body,
            Choices = asked.Choices,
            Input = input,
            Values = typed ?? Prefill(step, session),
        };
    }

    /// <summary>The date of birth's three fields as one answer the engine reads, day first: <c>21/3/1980</c>.</summary>
    public static string DateAnswer(string? day, string? month, string? year)
    {
        var parts = new[] { day, month, year }.Select(p => (p ?? string.Empty).Trim()).ToArray();
        return parts.All(p => p.Length == 0) ? string.Empty : string.Join('/', parts);
    }

    /// <summary>A question's first sentence (up to its question mark) is the heading; the rest is its hint.</summary>
    private static (string Heading, IReadOnlyList<string> Hint) Split(string text)
    {
        var lines = Lines(text).Where(l => !l.StartsWith("You said: ", StringComparison.Ordinal)
            && !l.StartsWith("You wrote: ", StringComparison.Ordinal)
            && !l.StartsWith($"Reply {Questions.KeepWord} ", StringComparison.Ordinal)).ToList();
        var first = lines.Count == 0 ? text : lines[0];
        var mark = first.IndexOf('?', StringComparison.Ordinal);
        var end = mark >= 0 ? mark : first.IndexOf(". ", StringComparison.Ordinal);
        var hint = lines.Skip(1).ToList();
        if (end >= 0 && end + 1 < first.Length)
        {
            hint.Insert(0, first[(end + 1)..].Trim());
            first = first[..(end + 1)];
        }

        return (first, hint);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string EndingHeading(Step step, ServiceDefinition service) => step switch
    {
        Step.Closed => $"{service.Name} is not taking requests here right now",
        Step.EmergencyAdvice => "Get help now",
        Step.Advice => "Get advice online",
        _ => "This link has ended",
    };

    /// <summary>The answer already given, in the field, when a question is asked again (back, or a change from the review).</summary>
    private static Dictionary<string, string> Prefill(Step step, IntakeSession session)
    {
        var a = session.Answers;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (step is Step.DateOfBirth && a.DateOfBirth is { } born)
        {
            values["answer-day"] = born.Day.ToString(CultureInfo.InvariantCulture);
            values["answer-month"] = born.Month.ToString(CultureInfo.InvariantCulture);
            values["answer-year"] = born.Year.ToString(CultureInfo.InvariantCulture);
            return values;
        }

        string? chosen = step switch
        {
            Step.RequestType => Number(session.OfferedTypes.FindIndex(t => t.Id == a.RequestTypeId)),
            Step.Proxy => a.Proxy is { } kind ? Number(kind == SubmitterKind.Self ? 0 : 1) : null,
            Step.ProxyRelationship => Number(Intake.Steps.ProxyRelationshipStep.Choices.Items.ToList().FindIndex(i => i.Value == a.ProxyRelationship)),
            Step.Gender => a.Gender is { } gender ? Number(Intake.Steps.GenderStep.Choices.Items.ToList().FindIndex(i => i.Value == gender)) : null,
            Step.ContactPreference => a.ContactPreference is { } preference ? Number(preference == ContactPreference.Text ? 0 : 1) : null,
            Step.MobileAccess => a.MobileAccess is { } access ? Number(access ? 0 : 1) : null,
            Step.Details => a.Details,
            Step.ProxyName => a.ProxyName is null ? null : NameParser.Display(a.ProxyName),
            _ => Questions.Previous(step, session),
        };
        if (chosen is not null)
        {
            values["answer"] = chosen;
        }

        return values;
    }

    private static string? Number(int index) => index < 0 ? null : (index + 1).ToString(CultureInfo.InvariantCulture);
}
