using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PatientContact.Rules.Expressions;

/// <summary>
/// Phrase tests red-flag expressions call, e.g. <c>Text.ContainsAny(input.Details, "chest pain|tight chest")</c>.
/// </summary>
/// <remarks>
/// <para>
/// Matching is tolerant of how people write: case, punctuation and apostrophes are set aside ("can't", "can’t",
/// "cant" and "cannot" all read the same), common misspellings and text-speak are read as the word meant
/// ("suicidle", "wanna", "kms"), and each word matches its other forms ("ending it" matches "end it",
/// "cut myself" matches "cutting myself"; see <see cref="WordForms"/>). A long word (8 letters or more) also
/// matches with one letter wrong, missing, added or two swapped ("unconsious").
/// </para>
/// <para>
/// Phrases match whole words in one sentence: "chest pain" does not match "chest of drawers", "arm" does not
/// match "harm", and "no. chest pain" is two sentences. A word ending in <c>*</c> matches any word starting
/// with it ("anaphyla*"); a word starting with <c>=</c> matches that exact form only ("=strokes").
/// </para>
/// </remarks>
public static class Text
{
    /// <summary>The word Normalise puts where a sentence ends; phrases never match across it.</summary>
    public const string SentenceBreak = ".";

    private const int FuzzyFrom = 8;

    // Keyed by the pattern string, which is a constant in a compiled expression: filled at load, read per turn.
    private static readonly ConcurrentDictionary<string, Phrase[]> Phrases = new(StringComparer.Ordinal);

    // The same, keyed by the string object itself.
    private static readonly ConditionalWeakTable<string, Phrase[]> ByReference = [];

    // The words of one normalised text, read once however many rules ask about it.
    private static readonly ConditionalWeakTable<string, WordsRead> Read = [];

    /// <summary>Whether any of the <c>|</c>-separated phrases occurs in text already put through <see cref="Normalise"/>.</summary>
    public static bool ContainsAny(string normalisedText, string phrases)
    {
        ArgumentNullException.ThrowIfNull(normalisedText);
        var words = WordsOf(normalisedText);
        foreach (var phrase in PhrasesFor(phrases))
        {
            if (phrase.FoundIn(words, blanked: null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether any of the phrases occurs once the words of the <paramref name="ignoring"/> phrases are set aside:
    /// <c>Text.ContainsAny(input.Details, "chest pain", "no chest pain")</c> is false for "no chest pain, just a
    /// cough" and true for "no chest pain yesterday. Chest pain today".
    /// </summary>
    public static bool ContainsAny(string normalisedText, string phrases, string ignoring)
    {
        ArgumentNullException.ThrowIfNull(normalisedText);
        var words = WordsOf(normalisedText);
        var blanked = new bool[words.Words.Length];
        foreach (var phrase in PhrasesFor(ignoring))
        {
            phrase.Blank(words, blanked);
        }

        foreach (var phrase in PhrasesFor(phrases))
        {
            if (phrase.FoundIn(words, blanked))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every one of the <c>|</c>-separated phrases occurs in text already put through <see cref="Normalise"/>.</summary>
    public static bool ContainsAll(string normalisedText, string phrases)
    {
        ArgumentNullException.ThrowIfNull(normalisedText);
        var words = WordsOf(normalisedText);
        foreach (var phrase in PhrasesFor(phrases))
        {
            if (!phrase.FoundIn(words, blanked: null))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Lower-case words separated by single spaces, with a space at each end; apostrophes dropped, a sentence's
    /// end (<c>. ! ? , ; :</c>) marked by <see cref="SentenceBreak"/>, other punctuation turned to spaces:
    /// "I CAN’T breathe!! Help" becomes " i cant breathe . help ".
    /// </summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(' ');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsApostrophe(c))
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (IsSentenceEnd(c) && !IsDecimalPoint(text, i))
            {
                if (builder[^1] != ' ')
                {
                    builder.Append(' ');
                }

                if (builder.Length > 1 && !EndsWithBreak(builder))
                {
                    builder.Append(SentenceBreak).Append(' ');
                }
            }
            else if (builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        if (builder[^1] != ' ')
        {
            builder.Append(' ');
        }

        // No break at the very end: " help . " reads " help ".
        if (EndsWithBreak(builder))
        {
            builder.Length -= SentenceBreak.Length + 1;
        }

        return builder.ToString();
    }

    private static bool EndsWithBreak(StringBuilder builder) =>
        builder.Length >= 3 && builder[^1] == ' ' && builder[^2] == SentenceBreak[0] && builder[^3] == ' ';

    private static bool IsSentenceEnd(char c) => c is '.' or '!' or '?' or ',' or ';' or ':';

    private static bool IsDecimalPoint(string text, int i) =>
        text[i] is '.' or ',' && i > 0 && i < text.Length - 1 && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]);

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '\u2032' or '`' or '\u00B4';

    private static WordsRead WordsOf(string normalisedText) => Read.GetValue(normalisedText, static text => new WordsRead(ReadWords(text)));

    private static Word[] ReadWords(string normalisedText)
    {
        var words = new List<Word>();
        foreach (var raw in normalisedText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == SentenceBreak)
            {
                words.Add(Word.Break);
                continue;
            }

            foreach (var spelled in WordForms.Spell(raw))
            {
                words.Add(new Word(spelled, WordForms.Stem(spelled)));
            }
        }

        return [.. words];
    }

    private static Phrase[] PhrasesFor(string phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);

        // A rule's phrase list is one string object for the life of its compiled expression: found by reference
        // first, without hashing a thousand characters on every call.
        return ByReference.GetValue(phrases, static p => Phrases.GetOrAdd(p, static q => Split(q)));
    }

    private static Phrase[] Split(string phrases)
    {
        var parsed = new List<Phrase>();
        foreach (var phrase in phrases.Split('|'))
        {
            var matchers = new List<Matcher>();
            foreach (var raw in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var prefix = raw.EndsWith('*');
                var exact = raw.StartsWith('=');
                var core = Normalise(raw.Trim('*', '=')).Trim();
                if (core.Length == 0 || core.Contains(' ', StringComparison.Ordinal))
                {
                    // "self-harm" in a phrase is two words, as it is in the text.
                    foreach (var part in core.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        AddWord(matchers, part, prefix: false, exact);
                    }

                    continue;
                }

                AddWord(matchers, core, prefix, exact);
            }

            if (matchers.Count == 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The phrase list \"{phrases}\" has an empty phrase; separate phrases with single '|'."), nameof(phrases));
            }

            parsed.Add(new Phrase([.. matchers]));
        }

        return [.. parsed];
    }

    private static void AddWord(List<Matcher> matchers, string word, bool prefix, bool exact)
    {
        if (prefix || exact)
        {
            matchers.Add(new Matcher(word, prefix ? MatchKind.Prefix : MatchKind.Exact));
            return;
        }

        foreach (var spelled in WordForms.Spell(word))
        {
            var stem = WordForms.Stem(spelled);
            matchers.Add(new Matcher(stem, stem.Length >= FuzzyFrom ? MatchKind.StemOrNearly : MatchKind.Stem));
        }
    }

    private enum MatchKind { Stem, StemOrNearly, Prefix, Exact }

    private readonly record struct Word(string Spelled, string Stem)
    {
        public static readonly Word Break = new(SentenceBreak, SentenceBreak);
    }

    /// <summary>
    /// A text's words in order, and what is in it at all: its stems and spellings as sets, and its long stems (the
    /// ones a fuzzy key can be one edit from). A phrase with a word found nowhere in the text cannot match, so most
    /// of the rules' phrases are set aside with a set lookup or two instead of a scan along the words.
    /// </summary>
    private sealed class WordsRead
    {
        public WordsRead(Word[] words)
        {
            Words = words;
            foreach (var word in words)
            {
                if (word.Stem == SentenceBreak)
                {
                    continue;
                }

                Stems.Add(word.Stem);
                Spelled.Add(word.Spelled);
                if (word.Stem.Length >= FuzzyFrom - 1)
                {
                    LongStems.Add(word.Stem);
                }
            }
        }

        public Word[] Words { get; }

        public HashSet<string> Stems { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Spelled { get; } = new(StringComparer.Ordinal);

        public List<string> LongStems { get; } = [];
    }

    private sealed record Matcher(string Key, MatchKind Kind)
    {
        /// <summary>Whether some word of the text matches, wherever it is: what <see cref="Matches"/> would find at some place.</summary>
        /// <remarks>Asked of every phrase's words on every text, so plain loops: a lambda here allocated on each call.</remarks>
        public bool AnywhereIn(WordsRead text) => Kind switch
        {
            MatchKind.Stem => text.Stems.Contains(Key),
            MatchKind.StemOrNearly => text.Stems.Contains(Key) || NearlyAnyOf(text.LongStems),
            MatchKind.Prefix => StartsAnyOf(text.Spelled),
            _ => text.Spelled.Contains(Key),
        };

        private bool NearlyAnyOf(List<string> stems)
        {
            foreach (var stem in stems)
            {
                if (stem[0] == Key[0] && WordForms.WithinOneEdit(stem, Key))
                {
                    return true;
                }
            }

            return false;
        }

        private bool StartsAnyOf(HashSet<string> spellings)
        {
            foreach (var spelled in spellings)
            {
                if (spelled.StartsWith(Key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        public bool Matches(in Word word) => word.Stem != SentenceBreak && Kind switch
        {
            MatchKind.Stem => word.Stem == Key,
            MatchKind.StemOrNearly => word.Stem == Key || (word.Stem.Length >= FuzzyFrom - 1 && word.Stem[0] == Key[0] && WordForms.WithinOneEdit(word.Stem, Key)),
            MatchKind.Prefix => word.Spelled.StartsWith(Key, StringComparison.Ordinal),
            _ => word.Spelled == Key,
        };
    }

    private sealed class Phrase(Matcher[] matchers)
    {
        public bool FoundIn(WordsRead text, bool[]? blanked)
        {
            if (!CanBeIn(text))
            {
                return false;
            }

            var words = text.Words;
            for (var start = 0; start + matchers.Length <= words.Length; start++)
            {
                if (MatchesAt(words, blanked, start))
                {
                    return true;
                }
            }

            return false;
        }

        public void Blank(WordsRead text, bool[] blanked)
        {
            if (!CanBeIn(text))
            {
                return;
            }

            var words = text.Words;
            for (var start = 0; start + matchers.Length <= words.Length; start++)
            {
                if (MatchesAt(words, blanked: null, start))
                {
                    Array.Fill(blanked, true, start, matchers.Length);
                }
            }
        }

        /// <summary>False when a word of the phrase is nowhere in the text, so the phrase cannot be there.</summary>
        private bool CanBeIn(WordsRead text)
        {
            foreach (var matcher in matchers)
            {
                if (!matcher.AnywhereIn(text))
                {
                    return false;
                }
            }

            return true;
        }

        private bool MatchesAt(Word[] words, bool[]? blanked, int start)
        {
            for (var i = 0; i < matchers.Length; i++)
            {
                if (blanked?[start + i] == true || !matchers[i].Matches(words[start + i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
