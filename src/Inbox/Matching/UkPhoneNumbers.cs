namespace PatientContact.Inbox.Matching;

/// <summary>Reads the phone numbers PDS holds ("07700900123", "07700 900123", "+44 (0)7700 900123") as E.164.</summary>
public static class UkPhoneNumbers
{
    /// <summary>The E.164 form of a UK number, or null when the value is not one (international, too short, letters).</summary>
    public static string? ToE164(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 40)
        {
            return null;
        }

        var text = value.Trim();
        // "+44 (0)7700 900123": the trunk zero in brackets is not dialled after +44.
        text = text.Replace("(0)", string.Empty, StringComparison.Ordinal);
        var plus = text.StartsWith('+');
        Span<char> digits = stackalloc char[value.Length];
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[count++] = c;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '.' or '+'))
            {
                return null;
            }
        }

        var number = new string(digits[..count]);
        string national;
        if (plus || number.StartsWith("00", StringComparison.Ordinal))
        {
            var international = plus ? number : number[2..];
            if (!international.StartsWith("44", StringComparison.Ordinal))
            {
                return null;
            }

            national = international[2..];
        }
        else if (number.StartsWith('0'))
        {
            national = number[1..];
        }
        else
        {
            return null;
        }

        // UK national significant numbers are 9 or 10 digits and never start with 0.
        return national.Length is 9 or 10 && national[0] != '0' ? "+44" + national : null;
    }
}
