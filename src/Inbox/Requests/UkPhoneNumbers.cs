using PhoneNumbers;

namespace PatientContact.Inbox.Requests;

/// <summary>
/// The UK phone rules every part uses: which numbers are mobiles a text can reach, how a number is shown, and
/// reading the forms PDS and staff write ("07700900123", "07700 900123", "+44 (0)7700 900123") as E.164.
/// (What a patient types is read by the conversation's <c>PhoneParser</c>, with its own messages.)
/// </summary>
public static class UkPhoneNumbers
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// True for a UK mobile in E.164: +447 and ten digits after the 44, but not 070 (personal numbers, often
    /// charged at premium rates) or 076 (pagers), which share the 07 prefix without being mobiles.
    /// </summary>
    public static bool IsMobile(string? e164) =>
        e164 is { Length: 13 }
        && e164.StartsWith("+447", StringComparison.Ordinal)
        && e164[4] is not ('0' or '6')
        && e164.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>
    /// Ofcom keeps 07700 900000 to 07700 900999 for drama; libphonenumber calls them invalid, but the
    /// demo services and test patients use them (they reach no one, so accepting them costs nothing).
    /// </summary>
    public static bool IsDramaMobile(PhoneNumber number)
    {
        ArgumentNullException.ThrowIfNull(number);
        return number.CountryCode == 44 && number.NationalNumber is >= 7700900000 and <= 7700900999;
    }

    /// <summary>The number written the way people in the UK read it: "07700 900123", "0113 496 0001".</summary>
    public static string Display(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        try
        {
            var number = Util.Parse(e164, "GB");
            if (IsDramaMobile(number))
            {
                var digits = "0" + number.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return $"{digits[..5]} {digits[5..]}";
            }

            return Util.Format(number, PhoneNumberFormat.NATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

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
