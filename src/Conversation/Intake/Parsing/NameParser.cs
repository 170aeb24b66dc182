namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>
/// First and last names: letters, spaces, hyphens and apostrophes, 1 to 35 characters. Stored as given;
/// <see cref="Display"/> shows them in title case the way people write names.
/// </summary>
public static class NameParser
{
    public const int MaxLength = 35;

    public static Parsed<string> Parse(string input, string what, int maxLength = MaxLength)
    {
        var text = TextInput.Clean(input).Replace('’', '\'').Replace('‘', '\'');
        text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0)
        {
            return Parsed<string>.Fail($"Please give the {what}.");
        }

        if (text.Length > maxLength)
        {
            return Parsed<string>.Fail($"The {what} must be {maxLength} characters or fewer.");
        }

        var hasLetter = false;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                hasLetter = true;
            }
            else if (c is not (' ' or '-' or '\''))
            {
                return Parsed<string>.Fail($"The {what} can only have letters, spaces, hyphens and apostrophes.");
            }
        }

        return hasLetter
            ? Parsed<string>.Success(text)
            : Parsed<string>.Fail($"The {what} must include at least one letter.");
    }

    /// <summary>
    /// A name as it is shown back: each part typed all in lower or all in upper case gets a capital after a
    /// space, hyphen or apostrophe ("o'neill-hughes" to "O'Neill-Hughes", "JANE" to "Jane"); a part typed in
    /// mixed case is kept as it is ("McDonald", "DeVito").
    /// </summary>
    public static string Display(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        var words = name.Split(' ');
        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w];
            var letters = word.Where(char.IsLetter).ToList();
            var mixed = letters.Any(char.IsUpper) && letters.Any(char.IsLower);
            if (mixed || letters.Count == 0)
            {
                continue;
            }

            var chars = word.ToLowerInvariant().ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (i == 0 || chars[i - 1] is '-' or '\'')
                {
                    chars[i] = char.ToUpperInvariant(chars[i]);
                }
            }

            words[w] = new string(chars);
        }

        return string.Join(' ', words);
    }

    /// <summary>A first-name answer of two or more words, split before its last word: "Jane Smith" to ("Jane", "Smith").</summary>
    public static bool TrySplitLastWord(string name, out string first, out string last)
    {
        ArgumentNullException.ThrowIfNull(name);
        var cut = name.LastIndexOf(' ');
        first = cut > 0 ? name[..cut] : name;
        last = cut > 0 ? name[(cut + 1)..] : string.Empty;
        return cut > 0;
    }
}
