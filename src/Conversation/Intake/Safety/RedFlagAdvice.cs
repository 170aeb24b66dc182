using System.Text.RegularExpressions;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Safety;

/// <summary>
/// Puts the advice of the red-flag rules that matched into one message, each sentence said once: the most
/// serious rule's advice first (emergency before urgent, then rule order), then the service type's mental
/// health crisis wording when a mental health rule matched, Relay UK, and "do not wait" for an emergency.
/// Other rules' advice is added after the first while the message still fits its budget, so a text with
/// many matches stays within 3 SMS segments and still says the plainest thing first.
/// </summary>
public static partial class RedFlagAdvice
{
    /// <summary>Emergency rules first, then the order of the rules; each rule once.</summary>
    public static IReadOnlyList<RedFlagMatch> InOrder(IEnumerable<RedFlagMatch> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return [.. flags.DistinctBy(f => f.Id).Select((f, i) => (f, i)).OrderBy(p => p.f.IsEmergency ? 0 : 1).ThenBy(p => p.i).Select(p => p.f)];
    }

    /// <summary>
    /// The advice for <paramref name="flags"/> (already <see cref="InOrder"/>), ending with <paramref name="tail"/>;
    /// <paramref name="fits"/> says whether a whole message is within the channel's budget.
    /// </summary>
    /// <param name="doNotWait">Whether an emergency says "do not wait for our reply" (not at the very start, before any request exists).</param>
    public static string Compose(IReadOnlyList<RedFlagMatch> flags, ServiceDefinition service, Func<string, bool> fits, string? tail = null, bool doNotWait = true)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(fits);
        if (flags.Count == 0)
        {
            return tail ?? string.Empty;
        }

        var head = Sentences(flags[0].Advice);
        var closing = new List<string>();
        if (flags.Any(f => f.IsMentalHealth))
        {
            closing.AddRange(Sentences(SafetyWording.MentalHealthCrisis(service)));
        }

        closing.Add(flags.Any(f => f.IsEmergency) ? SafetyWording.Relay999 : SafetyWording.Relay);
        if (tail is not null)
        {
            closing.AddRange(Sentences(tail));
        }

        // The one sentence left out when even the essentials do not fit (a long crisis line number).
        if (doNotWait && flags.Any(f => f.IsEmergency))
        {
            var withWait = new List<string>(closing);
            withWait.Insert(closing.Count - (tail is null ? 0 : Sentences(tail).Count()), SafetyWording.DoNotWait);
            if (fits(Join(head, [], withWait)))
            {
                closing = withWait;
            }
        }

        var said = new List<string>();
        AddNew(said, head);
        AddNew(said, closing);
        var middle = new List<string>();
        foreach (var flag in flags.Skip(1))
        {
            foreach (var sentence in Sentences(flag.Advice))
            {
                if (said.Contains(sentence, StringComparer.OrdinalIgnoreCase) || middle.Contains(sentence, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (fits(Join(head, [.. middle, sentence], closing)))
                {
                    middle.Add(sentence);
                }
            }
        }

        return Join(head, middle, closing);
    }

    /// <summary>The urgent advice again, for the confirmation after a red flag: the most serious rule's advice, and the crisis wording for a mental health flag.</summary>
    public static string Reminder(IReadOnlyList<RedFlagMatch> flags, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(service);
        if (flags.Count == 0)
        {
            return string.Empty;
        }

        var text = $"Please remember: {flags[0].Advice}";
        return flags.Any(f => f.IsMentalHealth) || SafetyWording.IsMentalHealth(service)
            ? $"{text} {SafetyWording.MentalHealthCrisis(service)}"
            : text;
    }

    /// <summary>The sentences of <paramref name="text"/> that none of <paramref name="elsewhere"/> already says.</summary>
    public static string Without(string text, IEnumerable<string> elsewhere)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(elsewhere);
        var known = elsewhere.SelectMany(Sentences).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return string.Join(' ', Sentences(text).Where(s => !known.Contains(s)));
    }

    public static IEnumerable<string> Sentences(string text) =>
        SentenceBreak().Split(text.Trim()).Select(s => s.Trim()).Where(s => s.Length > 0);

    private static void AddNew(List<string> said, IEnumerable<string> sentences)
    {
        foreach (var sentence in sentences)
        {
            if (!said.Contains(sentence, StringComparer.OrdinalIgnoreCase))
            {
                said.Add(sentence);
            }
        }
    }

    private static string Join(IEnumerable<string> head, IEnumerable<string> middle, IEnumerable<string> closing)
    {
        var all = new List<string>();
        AddNew(all, head);
        AddNew(all, middle);
        AddNew(all, closing);
        return string.Join(' ', all);
    }

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z0-9])")]
    private static partial Regex SentenceBreak();
}
