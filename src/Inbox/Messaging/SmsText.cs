using System.Globalization;
using System.Text;

namespace PatientContact.Inbox.Messaging;

/// <summary>How an SMS body is encoded on the network.</summary>
public enum SmsEncoding { Gsm7, Ucs2 }

/// <summary>
/// The SMS alphabet facts every text needs: whether a body fits the GSM-7 alphabet, how many segments
/// it takes, and the ways to bring it back into GSM-7 (ASCII punctuation, no emoji, no accents).
/// </summary>
/// <remarks>
/// GSM-7 (3GPP TS 23.038, default alphabet and its extension table): 160 septets in one segment, 153
/// per segment once split, an extension character taking two septets that never straddle segments.
/// Anything else is sent as UCS-2: 70 UTF-16 units in one segment, 67 per segment once split, a
/// surrogate pair never straddling segments.
/// </remarks>
public static class SmsText
{
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Gsm7Extension = "\f^{}\\[~]|€";

    private static readonly Dictionary<char, string> Typographic = new()
    {
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u201B'] = "'", ['\u2032'] = "'", ['\u00B4'] = "'", ['`'] = "'",
        ['\u201C'] = "\"", ['\u201D'] = "\"", ['\u201E'] = "\"", ['\u201F'] = "\"", ['\u2033'] = "\"", ['\u00AB'] = "\"", ['\u00BB'] = "\"",
        ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "-", ['\u2015'] = "-", ['\u2212'] = "-",
        ['\u2022'] = "-", ['\u00B7'] = "-",
        ['\u2026'] = "...",
        ['\u00A0'] = " ", ['\u2002'] = " ", ['\u2003'] = " ", ['\u2009'] = " ", ['\u200A'] = " ", ['\u202F'] = " ", ['\t'] = " ",
    };

    // Letters with no decomposition to a GSM-7 base letter.
    private static readonly Dictionary<char, string> Unaccented = new()
    {
        ['ł'] = "l", ['Ł'] = "L", ['đ'] = "d", ['Đ'] = "D", ['œ'] = "oe", ['Œ'] = "OE", ['ı'] = "i", ['ð'] = "d", ['þ'] = "th", ['Þ'] = "Th",
    };

    /// <summary>True when every character is in the GSM-7 default alphabet or its extension table.</summary>
    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (!IsGsm7(c))
            {
                return false;
            }
        }

        return true;
    }

    public static SmsEncoding EncodingOf(string text) => IsGsm7(text) ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2;

    /// <summary>How many segments the body takes; 0 for an empty body.</summary>
    public static int CountSegments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return 0;
        }

        var gsm = IsGsm7(text);
        var (single, perPart) = gsm ? (160, 153) : (70, 67);
        var total = 0;
        for (var i = 0; i < text.Length; i++)
        {
            total += UnitsAt(text, ref i, gsm);
        }

        if (total <= single)
        {
            return 1;
        }

        // Pack segment by segment: an escape pair or a surrogate pair is never split.
        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var units = UnitsAt(text, ref i, gsm);
            if (used + units > perPart)
            {
                segments++;
                used = 0;
            }

            used += units;
        }

        return segments;
    }

    /// <summary>Replaces typographic quotes, dashes, ellipses and odd spaces with their ASCII forms.</summary>
    public static string WithAsciiPunctuation(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (Typographic.TryGetValue(text[i], out var replacement))
            {
                builder ??= new StringBuilder(text, 0, i, text.Length + 8);
                builder.Append(replacement);
            }
            else
            {
                builder?.Append(text[i]);
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>
    /// Drops characters outside GSM-7 that are not letters or digits (emoji, pictographs, other symbols),
    /// then tidies the spaces they leave behind.
    /// </summary>
    public static string WithoutSymbols(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsGsm7(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var keep = rune.IsBmp && IsGsm7((char)rune.Value)
                || Rune.IsLetterOrDigit(rune)
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (keep)
            {
                builder.Append(rune.ToString());
            }
        }

        return TidySpaces(builder.ToString());
    }

    /// <summary>
    /// Writes letters that GSM-7 lacks without their accents where that gives GSM-7 letters
    /// ("Zoë" becomes "Zoe"; "é", which GSM-7 has, stays). Other letters are left alone.
    /// </summary>
    public static string WithoutAccents(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsGsm7(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (IsGsm7(c))
            {
                builder.Append(c);
                continue;
            }

            if (Unaccented.TryGetValue(c, out var plain))
            {
                builder.Append(plain);
                continue;
            }

            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var bare = new StringBuilder(decomposed.Length);
            foreach (var part in decomposed)
            {
                if (CharUnicodeInfo.GetUnicodeCategory(part) != UnicodeCategory.NonSpacingMark)
                {
                    bare.Append(part);
                }
            }

            var candidate = bare.ToString();
            builder.Append(candidate.Length > 0 && IsGsm7(candidate) ? candidate : c.ToString());
        }

        return builder.ToString();
    }

    private static bool IsGsm7(char c) => Gsm7Basic.Contains(c) || Gsm7Extension.Contains(c);

    private static int UnitsAt(string text, ref int i, bool gsm)
    {
        if (gsm)
        {
            return Gsm7Extension.Contains(text[i]) ? 2 : 1;
        }

        if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            i++;
            return 2;
        }

        return 1;
    }

    private static string TidySpaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ' && (builder.Length == 0 || builder[^1] is ' ' or '\n'))
            {
                continue;
            }

            if (c == '\n' && builder.Length > 0 && builder[^1] == ' ')
            {
                builder.Length--;
            }

            builder.Append(c);
        }

        return builder.ToString().TrimEnd(' ');
    }
}
