namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>One answer of a choice question, with the other words patients use for it.</summary>
public sealed record ChoiceItem<T>(T Value, string Label, params string[] Synonyms)
{
    /// <summary>A short way to write this choice, for "like 1 or Myself": the label before any "(examples)", or a synonym when that is long.</summary>
    public string Example
    {
        get
        {
            var cut = Label.IndexOf(" (", StringComparison.Ordinal);
            var shortLabel = cut > 0 ? Label[..cut] : Label;
            return shortLabel.Length <= 20 || Synonyms.Length == 0 ? shortLabel : Synonyms[0];
        }
    }
}

/// <summary>How an answer to a choice question was read.</summary>
public enum ChoiceOutcome
{
    /// <summary>Nothing in the answer points at a choice.</summary>
    NoMatch,
    /// <summary>The answer points at exactly one choice.</summary>
    Chosen,
    /// <summary>The answer fits more than one choice; <see cref="ChoiceMatch{T}.Candidates"/> names them.</summary>
    Ambiguous,
}

/// <summary>The reading of one answer: the choice made, or the choices (zero-based) it could mean.</summary>
public sealed record ChoiceMatch<T>(ChoiceOutcome Outcome, T? Value, IReadOnlyList<int> Candidates);

/// <summary>
/// A numbered list of choices read the way patients answer: the number, the label, a synonym
/// ("y", "nope"), a sentence starting with one ("yes please", "1. Myself"), or words of one label only
/// ("medical", "fit notes", "my mum"), in any case, with punctuation, emoji and a plural "s" ignored. An answer that
/// fits two choices is not guessed at: it is <see cref="ChoiceOutcome.Ambiguous"/>, naming both.
/// With <c>findInSentences</c>, a synonym anywhere in a sentence counts too ("I need a sick note").
/// </summary>
public sealed class ChoiceSet<T>
{
    /// <summary>Words that say nothing about which choice is meant ("the medical one please").</summary>
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "one", "please", "pls", "plz", "i", "im", "id", "want", "need", "would", "like", "to",
        "about", "my", "it", "is", "its", "for", "thanks", "thank", "you", "ok", "okay", "number", "option", "choice",
    };

    private readonly (string Word, int Index)[] _words;
    private readonly HashSet<string>[] _labelWords;
    private readonly (string[] Words, int Index)[] _phrases;
    private readonly bool _findInSentences;

    public ChoiceSet(params ChoiceItem<T>[] items)
        : this(items, findInSentences: false)
    {
    }

    public ChoiceSet(IReadOnlyList<ChoiceItem<T>> items, bool findInSentences)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
        _findInSentences = findInSentences;
        var words = new List<(string, int)>();
        var phrases = new List<(string[], int)>();
        _labelWords = new HashSet<string>[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            words.Add(((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), i));
            words.Add((TextInput.Fold(items[i].Label), i));
            _labelWords[i] = new HashSet<string>(Tokens(items[i].Label).Where(w => !Filler.Contains(w)).Select(Stem), StringComparer.Ordinal);
            foreach (var synonym in items[i].Synonyms)
            {
                words.Add((TextInput.Fold(synonym), i));
                var tokens = Tokens(synonym).Select(Stem).ToArray();
                _labelWords[i].UnionWith(tokens.Where(w => !Filler.Contains(w)));
                if (tokens.Length > 0)
                {
                    phrases.Add((tokens, i));
                }
            }
        }

        // Longest first, so "not an emergency" wins over "no".
        _words = [.. words.Where(w => w.Item1.Length > 0).OrderByDescending(w => w.Item1.Length)];
        _phrases = [.. phrases];
    }

    public IReadOnlyList<ChoiceItem<T>> Items { get; }

    public IReadOnlyList<Choice> Choices => [.. Items.Select((item, i) => new Choice((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), item.Label))];

    public bool TryParse(string input, out T value)
    {
        var match = Match(input);
        value = match.Value!;
        return match.Outcome == ChoiceOutcome.Chosen;
    }

    /// <summary>Reads an answer: exactly, then by its first words, then by words of one label, then (if allowed) by a synonym in a sentence.</summary>
    public ChoiceMatch<T> Match(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var folded = TextInput.Fold(input);
        foreach (var lead in (string[])["option ", "number "])
        {
            if (folded.StartsWith(lead, StringComparison.Ordinal))
            {
                folded = folded[lead.Length..];
            }
        }

        if (folded.Length == 0)
        {
            return NoMatch;
        }

        foreach (var (word, index) in _words)
        {
            if (folded == word)
            {
                return Chosen(index);
            }
        }

        var starts = _words.Where(w => folded.StartsWith(w.Word, StringComparison.Ordinal) && folded[w.Word.Length] == ' ').Select(w => w.Index).Distinct().ToList();
        if (starts.Count > 0)
        {
            return Of(starts);
        }

        var tokens = folded.Split(' ').Select(Stem).ToArray();
        var meaningful = tokens.Where(t => !Filler.Contains(t)).ToArray();
        if (meaningful.Length > 0)
        {
            var inLabel = Enumerable.Range(0, Items.Count).Where(i => meaningful.All(_labelWords[i].Contains)).ToList();
            if (inLabel.Count > 0)
            {
                return Of(inLabel);
            }
        }

        if (!_findInSentences)
        {
            return NoMatch;
        }

        var found = _phrases.Where(p => Contains(tokens, p.Words)).Select(p => p.Index).Distinct().ToList();
        return found.Count > 0 ? Of(found) : NoMatch;
    }

    private static ChoiceMatch<T> NoMatch { get; } = new(ChoiceOutcome.NoMatch, default, []);

    private ChoiceMatch<T> Chosen(int index) => new(ChoiceOutcome.Chosen, Items[index].Value, [index]);

    private ChoiceMatch<T> Of(List<int> indexes)
    {
        indexes.Sort();
        return indexes.Count == 1 ? Chosen(indexes[0]) : new ChoiceMatch<T>(ChoiceOutcome.Ambiguous, default, indexes);
    }

    private static string[] Tokens(string text) => TextInput.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>"notes" and "note" read the same; short words ("yes", "its") are left alone.</summary>
    private static string Stem(string word) =>
        word.Length > 4 && word[^1] == 's' && word[^2] != 's' ? word[..^1] : word;

    private static bool Contains(string[] tokens, string[] phrase)
    {
        for (var start = 0; start + phrase.Length <= tokens.Length; start++)
        {
            var all = true;
            for (var j = 0; j < phrase.Length && all; j++)
            {
                all = tokens[start + j] == phrase[j];
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }
}
