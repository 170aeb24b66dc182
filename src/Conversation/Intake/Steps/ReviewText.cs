using System.Globalization;
using System.Text;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// The review of every answer. By SMS it must fit <see cref="SmsReplyComposer.MaxSegments"/> segments with its
/// choices: the details are shown whole when they fit, and otherwise as much as fits with a count of what was
/// left out and how to see it all (<c>details</c>, which sends them in parts that each fit).
/// </summary>
public static class ReviewText
{
    /// <summary>The word that shows the details in full at the review (then "details 2", "details 3" for the next parts).</summary>
    public const string DetailsWord = "details";

    public static BotReply Review(IntakeSession session, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(service);
        var details = session.Answers.Details ?? string.Empty;
        var whole = Build(session, service, details);
        if (session.Channel != Channel.Sms || Fits(whole))
        {
            return whole;
        }

        // Cut between whole characters as people see them (never inside an emoji or an accent), at a word where one is near.
        var elements = TextElements(details);
        var (low, high) = (0, elements.Length);
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (Fits(Build(session, service, Cut(elements, mid))))
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        var keep = AtWord(elements, 0, low);
        return Build(session, service, Cut(elements, keep));
    }

    /// <summary>The review's question without the answers, for when another message (help) comes first by SMS.</summary>
    public static BotReply AskInShort() =>
        new($"Reply 1 to submit your request, or 2 to change an answer. Reply {DetailsWord} to see your details.", Step.Review, ReviewStep.Choices.Choices);

    /// <summary>Reads "details", "details 2", "see details": the part asked for (1-based), or false for anything else.</summary>
    public static bool TryReadDetailsRequest(string text, out int part)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextInput.Fold(text);
        foreach (var lead in (string[])["see ", "show ", "show me ", "read "])
        {
            if (folded.StartsWith(lead, StringComparison.Ordinal))
            {
                folded = folded[lead.Length..];
            }
        }

        part = 1;
        if (folded is DetailsWord or "all details" or "details in full" or "full details")
        {
            return true;
        }

        return folded.StartsWith(DetailsWord + " ", StringComparison.Ordinal)
            && int.TryParse(folded.AsSpan(DetailsWord.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out part)
            && part >= 1;
    }

    /// <summary>
    /// The details in full for <c>details</c> at the review, with the review's choices. By SMS, in parts that each
    /// fit the segment budget; a part past the last shows the last.
    /// </summary>
    public static BotReply DetailsPart(IntakeSession session, int part)
    {
        ArgumentNullException.ThrowIfNull(session);
        var details = session.Answers.Details ?? string.Empty;
        if (session.Channel != Channel.Sms)
        {
            return Part(details, 1, 1);
        }

        var parts = Split(details);
        var index = Math.Clamp(part, 1, parts.Count);
        return Part(parts[index - 1], index, parts.Count);
    }

    private static List<string> Split(string details)
    {
        var elements = TextElements(details);
        var parts = new List<string>();
        var start = 0;
        while (start < elements.Length || parts.Count == 0)
        {
            var (low, high) = (start, elements.Length);
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                // Measured with the longest heading and footer a part can have.
                if (Fits(Part(string.Concat(elements[start..mid]), 98, 99)))
                {
                    low = mid;
                }
                else
                {
                    high = mid - 1;
                }
            }

            var end = low <= start ? Math.Min(start + 1, elements.Length) : AtWord(elements, start, low);
            parts.Add(string.Concat(elements[start..end]).Trim());
            start = end;
        }

        return parts;
    }

    private static BotReply Part(string text, int part, int of)
    {
        var heading = of == 1 ? "Your details in full:" : $"Your details, part {part} of {of}:";
        var next = part < of
            ? $"Reply {DetailsWord} {part + 1} for the next part, 1 to submit, or 2 to change an answer."
            : "Reply 1 to submit, or 2 to change an answer.";
        return new BotReply($"{heading}\n{text}\n{next}", Step.Review, ReviewStep.Choices.Choices);
    }

    private static BotReply Build(IntakeSession session, ServiceDefinition service, string details)
    {
        var a = session.Answers;
        var text = new StringBuilder("Please check your answers.\n");
        text.Append(CultureInfo.InvariantCulture, $"Request: {a.RequestTypeLabel}\n");
        text.Append(CultureInfo.InvariantCulture, $"Details: {details}\n");
        text.Append(a.Proxy == SubmitterKind.Proxy
            ? $"For: someone else (sent by {NameParser.Display(a.ProxyName)}, {a.ProxyRelationship?.Label()})\n"
            : "For: myself\n");
        text.Append(CultureInfo.InvariantCulture, $"Name: {NameParser.Display(a.FirstName)} {NameParser.Display(a.LastName)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Born: {a.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Gender: {a.Gender?.Label()}\n");
        text.Append(CultureInfo.InvariantCulture, $"Postcode: {a.Postcode}\n");
        text.Append(CultureInfo.InvariantCulture, $"Phone: {(a.Phone is null ? string.Empty : PhoneParser.Display(a.Phone))}\n");
        text.Append(CultureInfo.InvariantCulture, $"Reply by: {a.ContactPreference?.Label()}");
        if (session.Channel != Channel.Sms)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThis goes to {service.Name}.");
        }

        return new BotReply(text.ToString(), Step.Review, ReviewStep.Choices.Choices);
    }

    private static string Cut(string[] elements, int keep)
    {
        var left = elements.Length - keep;
        return $"{string.Concat(elements[..keep]).TrimEnd()}... ({left:N0} more {(left == 1 ? "character" : "characters")}. Reply {DetailsWord} to see it all.)";
    }

    /// <summary>An end at or before <paramref name="end"/> just after a space, when one is in the last fifth of the part.</summary>
    private static int AtWord(string[] elements, int start, int end)
    {
        if (end >= elements.Length)
        {
            return end;
        }

        for (var i = end; i > start + ((end - start) * 4 / 5); i--)
        {
            if (string.IsNullOrWhiteSpace(elements[i - 1]))
            {
                return i;
            }
        }

        return end;
    }

    private static bool Fits(BotReply reply) => !SmsReplyComposer.Best(SmsReplyComposer.Render(reply)).OverBudget;

    private static string[] TextElements(string text)
    {
        var elements = new List<string>(text.Length);
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return [.. elements];
    }
}
