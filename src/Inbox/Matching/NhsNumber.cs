namespace PatientContact.Inbox.Matching;

/// <summary>
/// NHS numbers: ten digits whose last is a modulus 11 check digit. Every NHS number entering the
/// system (from PDS, from staff doing a manual match) goes through here.
/// </summary>
public static class NhsNumber
{
    /// <summary>True for ten digits (no spaces) with a correct modulus 11 check digit.</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            if (i < 9)
            {
                // Weights 10 down to 2 on the first nine digits.
                sum += (value[i] - '0') * (10 - i);
            }
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        // A check result of 10 means no valid number has these nine digits.
        return check != 10 && check == value[9] - '0';
    }

    /// <summary>
    /// Reads an NHS number as people write it ("943 476 5919", "943-476-5919", surrounding spaces)
    /// and gives the ten digits when the check digit is right.
    /// </summary>
    public static bool TryNormalize(string? input, out string nhsNumber)
    {
        nhsNumber = string.Empty;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 20)
        {
            return false;
        }

        Span<char> digits = stackalloc char[10];
        var count = 0;
        foreach (var c in input)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 10)
                {
                    return false;
                }

                digits[count++] = c;
            }
            else if (c is not (' ' or '-'))
            {
                return false;
            }
        }

        var candidate = new string(digits[..count]);
        if (!IsValid(candidate))
        {
            return false;
        }

        nhsNumber = candidate;
        return true;
    }

    /// <summary>The usual 3-3-4 layout staff read: "943 476 5919".</summary>
    public static string Format(string nhsNumber)
    {
        ArgumentNullException.ThrowIfNull(nhsNumber);
        return IsValid(nhsNumber) ? $"{nhsNumber[..3]} {nhsNumber[3..6]} {nhsNumber[6..]}" : nhsNumber;
    }
}
