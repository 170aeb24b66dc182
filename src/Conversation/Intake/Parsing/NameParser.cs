namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>First and last names: letters, spaces, hyphens and apostrophes, 1 to 35 characters.</summary>
public static class NameParser
{
    public const int MaxLength = 35;

    public static Parsed<string> Parse(string input, string what, int maxLength = MaxLength)
    {
        var text = TextInput.Clean(input).Replace('’', '\'').Replace('‘', '\'');
        text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0)
        {
            return Parsed<string>.Fail($"Please type the {what}.");
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
}
