using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace PatientContact.Rules.Expressions;

/// <summary>
/// Phrase tests red-flag expressions call, e.g. <c>Text.ContainsAny(input.Details, "chest pain|tight chest")</c>.
/// </summary>
/// <remarks>
/// Text and phrases go through <see cref="Normalise"/>, so matching ignores case, punctuation and apostrophes
/// ("can't", "can’t" and "cant" all read "cant"). Phrases match whole words: "chest pain" does not match
/// "chest of drawers", and "arm" does not match "harm". A phrase ending in <c>*</c> matches any word that
/// starts with its last word: "bleed*" matches "bleeding".
/// </remarks>
public static class Text
{
    // Keyed by the pattern string, which is a constant in a compiled expression: filled at load, read per turn.
    private static readonly ConcurrentDictionary<string, string[]> Needles = new(StringComparer.Ordinal);

    /// <summary>Whether any of the <c>|</c>-separated phrases occurs in text already put through <see cref="Normalise"/>.</summary>
    public static bool ContainsAny(string normalisedText, string phrases)
    {
        ArgumentNullException.ThrowIfNull(normalisedText);
        foreach (var needle in NeedlesFor(phrases))
        {
            if (normalisedText.Contains(needle, StringComparison.Ordinal))
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
        foreach (var needle in NeedlesFor(phrases))
        {
            if (!normalisedText.Contains(needle, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Lower-case words separated by single spaces, with a space at each end; apostrophes dropped, other
    /// punctuation turned to spaces: "I CAN’T breathe!!" becomes " i cant breathe ".
    /// </summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(' ');
        foreach (var c in text)
        {
            if (IsApostrophe(c))
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
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

        return builder.ToString();
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '\u2032' or '`' or '\u00B4';

    private static string[] NeedlesFor(string phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        return Needles.GetOrAdd(phrases, static p => Split(p));
    }

    private static string[] Split(string phrases)
    {
        var needles = new List<string>();
        foreach (var phrase in phrases.Split('|'))
        {
            var prefix = phrase.TrimEnd().EndsWith('*');
            var words = Normalise(prefix ? phrase.TrimEnd()[..^1] : phrase);
            if (words.Length <= 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The phrase list \"{phrases}\" has an empty phrase; separate phrases with single '|'."), nameof(phrases));
            }

            needles.Add(prefix ? words[..^1] : words);
        }

        return [.. needles];
    }
}
