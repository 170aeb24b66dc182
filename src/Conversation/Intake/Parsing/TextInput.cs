using System.Globalization;
using System.Text;

namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>Cleans what a patient typed before any parser reads it.</summary>
public static class TextInput
{
    /// <summary>Longest input read at all; anything longer is refused before parsing.</summary>
    public const int MaxInputLength = 4000;

    /// <summary>Drops control and format characters (keeping line breaks), normalises to NFC and trims.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var normalized = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        StringBuilder? builder = null;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            var category = char.GetUnicodeCategory(c);
            var drop = c != '\n' && (category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse);
            if (drop && builder is null)
            {
                builder = new StringBuilder(normalized.Length);
                builder.Append(normalized, 0, i);
            }
            else if (!drop)
            {
                builder?.Append(c == '\r' ? '\n' : c);
            }
        }

        return (builder?.ToString() ?? normalized).Trim();
    }

    /// <summary>
    /// The form used to compare an answer with choice words: lower case, letters, digits and single
    /// spaces only (emoji and punctuation dropped, typographic apostrophes removed).
    /// </summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (c is '\'' or '’' or '‘')
            {
                // "it's" and "its" read the same.
            }
            else
            {
                space = true;
            }
        }

        return builder.ToString();
    }
}
