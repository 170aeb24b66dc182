using System.Text.RegularExpressions;

namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>UK postcodes in any case and spacing, normalised to the Royal Mail form ("sw1a1aa" -> "SW1A 1AA").</summary>
public static partial class PostcodeParser
{
    // The outward-code shapes of BS 7666 with the letters each position may hold, then the inward code.
    [GeneratedRegex(@"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$")]
    private static partial Regex Shape();

    public static Parsed<string> Parse(string input)
    {
        var text = TextInput.Clean(input);
        if (text.Length is 0 or > 16)
        {
            return Parsed<string>.Fail("Please give a UK postcode, like LS1 6AE.");
        }

        Span<char> compact = stackalloc char[text.Length];
        var length = 0;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            compact[length++] = char.ToUpperInvariant(c);
        }

        var joined = new string(compact[..length]);
        if (length is < 5 or > 7 || !Shape().IsMatch(joined))
        {
            return Parsed<string>.Fail("That doesn't look like a UK postcode. Please give it like LS1 6AE.");
        }

        return Parsed<string>.Success(string.Concat(joined.AsSpan(0, length - 3), " ", joined.AsSpan(length - 3)));
    }
}
