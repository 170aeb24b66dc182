using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// What the service says at any step, in plain words for someone who may be unwell. Each step's own question is in
/// its class under <c>Steps/</c>; <see cref="Ask"/> finds it.
/// </summary>
public static class Questions
{
    public static string Help(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"Answer each question, or choose a number from the list. To go to the last question, reply back. To start again, reply restart. To speak to someone, call {service.PhoneNumber}. {SafetyWording.UrgentHelp(service)}";
    }

    /// <summary>Said when a choice answer fits none of the choices.</summary>
    public static string ChoiceError<T>(ChoiceSet<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return $"Sorry, we did not understand that. Reply with a number or the words, like 1 or {choices.Items[0].Example}.";
    }

    /// <summary>Said on a page when no choice was picked.</summary>
    public const string ChooseOne = "Choose one of the answers.";

    /// <summary>Said when a choice answer fits several choices: it names them.</summary>
    public static string WhichOne<T>(ChoiceSet<T> choices, IReadOnlyList<int> candidates)
    {
        ArgumentNullException.ThrowIfNull(choices);
        ArgumentNullException.ThrowIfNull(candidates);
        var named = candidates.Select(i => $"{i + 1} ({choices.Items[i].Example})").ToList();
        var list = named.Count == 2 ? $"{named[0]} or {named[1]}" : $"{string.Join(", ", named[..^1])} or {named[^1]}";
        return $"That could mean more than one choice. Did you mean {list}? Reply with a number or the words.";
    }

    /// <summary>The word that keeps an earlier answer when a free-text question is asked again.</summary>
    public const string KeepWord = "keep";

    public static string Strikes(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"If you're finding this difficult, you can call us on {service.PhoneNumber}.";
    }

    public const string FirstQuestion = "This is the first question.";

    /// <summary>The question for a step, with its choices; the last message of a turn.</summary>
    public static BotReply Ask(Step step, IntakeSession session, ServiceDefinition service, Availability? availability = null) =>
        IntakeSteps.For(step).Ask(session, service, availability);

    /// <summary>The answer a free-text step already has (after back, or changing it from the review), as it is shown back.</summary>
    public static string? Previous(Step step, IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return IntakeSteps.For(step).Previous(session);
    }

    /// <summary>A free-text question asked again: what was given before, and that <c>keep</c> keeps it.</summary>
    public static string WithPrevious(string? previous, string question) =>
        previous is null ? question : $"{question}\nYou said: {previous}. Reply {KeepWord} to keep it, or send a new answer.";
}
