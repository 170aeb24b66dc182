using System.Text.RegularExpressions;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Messaging;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>One SMS reply as it will be sent: its text, its encoding and how many segments it takes.</summary>
public sealed record SmsReplyText(string Text, SmsEncoding Encoding, int Segments)
{
    /// <summary>True when even the question alone did not fit <see cref="SmsReplyComposer.MaxSegments"/>.</summary>
    public bool OverBudget => Segments > SmsReplyComposer.MaxSegments;
}

/// <summary>
/// Turns a turn's replies into one SMS: the messages in order, a blank line between them, the
/// question's choices as a numbered list ("1. Label"), kept within <see cref="MaxSegments"/> segments
/// and in GSM-7 where possible. The rules are in docs/sms.md.
/// </summary>
public static partial class SmsReplyComposer
{
    /// <summary>The most segments a reply should take.</summary>
    public const int MaxSegments = 3;

    private const string Separator = "\n\n";

    /// <param name="notices">Channel notices that go first (e.g. attachments not supported).</param>
    /// <param name="replies">The engine's replies; the last carries the question and its choices.</param>
    public static SmsReplyText Compose(IReadOnlyList<string> notices, IReadOnlyList<BotReply> replies)
    {
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(replies);
        if (replies.Count == 0)
        {
            return Best(string.Join(Separator, notices));
        }

        // Red-flag advice shown at once goes first and, like the question, is never shortened.
        var urgent = replies.Take(replies.Count - 1).Where(r => r.Urgent).Select(Render).Where(t => t.Length > 0).ToList();
        var before = notices.Concat(replies.Take(replies.Count - 1).Where(r => !r.Urgent).Select(Render)).Where(t => t.Length > 0).ToList();
        var question = Render(replies[^1]);
        string Join(IEnumerable<string> kept, string last) => string.Join(Separator, urgent.Concat(kept.Where(t => t.Length > 0)).Append(last));

        var whole = Best(Join(before, question));
        if (!whole.OverBudget)
        {
            return whole;
        }

        // Too long: keep the earlier messages' sentences from the start while the reply still fits;
        // the question and its choices are never shortened.
        var kept = new List<string>();
        foreach (var message in before)
        {
            var sentences = new List<string>();
            foreach (var sentence in SentenceBreak().Split(message))
            {
                var trial = kept.Append(string.Join(' ', sentences.Append(sentence)));
                if (Best(Join(trial, question)).OverBudget)
                {
                    if (sentences.Count > 0)
                    {
                        kept.Add(string.Join(' ', sentences));
                    }

                    return Best(Join(kept, question));
                }

                sentences.Add(sentence);
            }

            kept.Add(string.Join(' ', sentences));
        }

        return Best(Join(kept, question));
    }

    /// <summary>A reply's text and, on their own lines, its choices.</summary>
    public static string Render(BotReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Choices.Count == 0
            ? reply.Text
            : reply.Text + "\n" + string.Join('\n', reply.Choices.Select(c => $"{c.Value}. {c.Label}"));
    }

    /// <summary>
    /// Typographic punctuation always becomes ASCII. Then emoji and other symbols outside GSM-7 are
    /// dropped, and accents GSM-7 lacks are taken off, each only when that saves a segment.
    /// </summary>
    public static SmsReplyText Best(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ascii = SmsText.WithAsciiPunctuation(text);
        var noSymbols = SmsText.WithoutSymbols(ascii);
        var noAccents = SmsText.WithoutAccents(noSymbols);

        var best = Measure(ascii);
        foreach (var candidate in new[] { noSymbols, noAccents })
        {
            var measured = Measure(candidate);
            if (measured.Segments < best.Segments)
            {
                best = measured;
            }
        }

        return best;
    }

    private static SmsReplyText Measure(string text) => new(text, SmsText.EncodingOf(text), SmsText.CountSegments(text));

    [GeneratedRegex(@"(?<=[.!?])\s+(?=\S)")]
    private static partial Regex SentenceBreak();
}
