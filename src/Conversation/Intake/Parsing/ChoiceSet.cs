namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>One answer of a choice question, with the other words patients use for it.</summary>
public sealed record ChoiceItem<T>(T Value, string Label, params string[] Synonyms);

/// <summary>
/// A numbered list of choices read the way patients answer: the number, the label, a synonym
/// ("y", "nope"), or a sentence starting with one ("yes please", "1. Myself"), in any case, with
/// punctuation and emoji ignored. An answer that fits two choices is not guessed at.
/// </summary>
public sealed class ChoiceSet<T>
{
    private readonly (string Word, int Index)[] _words;

    public ChoiceSet(params ChoiceItem<T>[] items)
    {
        Items = items;
        var words = new List<(string, int)>();
        for (var i = 0; i < items.Length; i++)
        {
            words.Add(((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), i));
            words.Add((TextInput.Fold(items[i].Label), i));
            foreach (var synonym in items[i].Synonyms)
            {
                words.Add((TextInput.Fold(synonym), i));
            }
        }

        // Longest first, so "not an emergency" wins over "no".
        _words = [.. words.Where(w => w.Item1.Length > 0).OrderByDescending(w => w.Item1.Length)];
    }

    public IReadOnlyList<ChoiceItem<T>> Items { get; }

    public IReadOnlyList<Choice> Choices => [.. Items.Select((item, i) => new Choice((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), item.Label))];

    public bool TryParse(string input, out T value)
    {
        var folded = TextInput.Fold(input);
        if (folded.StartsWith("option ", StringComparison.Ordinal))
        {
            folded = folded["option ".Length..];
        }

        value = default!;
        if (folded.Length == 0)
        {
            return false;
        }

        foreach (var (word, index) in _words)
        {
            if (folded == word)
            {
                value = Items[index].Value;
                return true;
            }
        }

        var found = -1;
        foreach (var (word, index) in _words)
        {
            if (folded.StartsWith(word, StringComparison.Ordinal) && folded[word.Length] == ' ')
            {
                if (found >= 0 && found != index)
                {
                    return false;
                }

                found = index;
            }
        }

        if (found < 0)
        {
            return false;
        }

        value = Items[found].Value;
        return true;
    }
}
