using System.Text.RegularExpressions;

namespace PatientContact.Conversation.Tests.Wording;

/// <summary>
/// A simple Flesch-Kincaid count: grade = 0.39 x words per sentence + 11.8 x syllables per word - 15.59, and a UK
/// reading age of grade + 5. Addresses, phone numbers, reference IDs, other figures and {placeholders} are left out first; a line
/// break ends a sentence, as a list or a question on its own line reads.
/// </summary>
public static partial class FleschKincaid
{
    /// <summary>Fewer words than this say too little for the count to mean anything (a button, "Thank you.").</summary>
    public const int MinWords = 8;

    public static (int Words, int Sentences, int Syllables) Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = Noise().Replace(text, " ");
        var sentences = SentenceEnd().Split(plain).Count(s => WordPattern().IsMatch(s));
        var words = WordPattern().Matches(plain).Select(m => m.Value).ToList();
        return (words.Count, Math.Max(sentences, 1), words.Sum(Syllables));
    }

    public static double ReadingAge(string text)
    {
        var (words, sentences, syllables) = Count(text);
        if (words == 0)
        {
            return 0;
        }

        var grade = (0.39 * words / sentences) + (11.8 * syllables / words) - 15.59;
        return grade + 5;
    }

    /// <summary>Vowel groups, less a silent final "e" or "es"/"ed", at least one.</summary>
    public static int Syllables(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var w = word.ToLowerInvariant().Replace("'", string.Empty, StringComparison.Ordinal);
        if (w.Length <= 3)
        {
            return 1;
        }

        w = SilentEnding().Replace(w, string.Empty);
        w = LeadingY().Replace(w, string.Empty);
        return Math.Max(1, VowelGroup().Matches(w).Count);
    }

    [GeneratedRegex(@"\{[^{}]*\}|https?://\S+|\b[\w.-]+\.(?:nhs\.uk|uk|com|org)\S*|\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b|\+?\d[\d ,:/.]*\d|\d")]
    private static partial Regex Noise();

    [GeneratedRegex(@"[.!?]+(?=\s|$)|\n+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")]
    private static partial Regex WordPattern();

    [GeneratedRegex("(?:[^laeiouy]es|ed|[^laeiouy]e)$")]
    private static partial Regex SilentEnding();

    [GeneratedRegex("^y")]
    private static partial Regex LeadingY();

    [GeneratedRegex("[aeiouy]{1,2}")]
    private static partial Regex VowelGroup();
}
