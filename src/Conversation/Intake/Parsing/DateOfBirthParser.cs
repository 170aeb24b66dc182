using System.Globalization;
using System.Text.RegularExpressions;

namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>UK day-first dates of birth: 1/2/1980, 01/02/1980, 1 Feb 1980, 1 February 1980, 1980-02-01.</summary>
public static partial class DateOfBirthParser
{
    public const int MaxAgeYears = 130;

    private const string Example = "like 21/03/1980 or 21 March 1980";

    [GeneratedRegex(@"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")]
    private static partial Regex Numeric();

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})-(\d{1,2})$")]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{2,4})$", RegexOptions.IgnoreCase)]
    private static partial Regex Words();

    private static readonly string[] Months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static Parsed<DateOnly> Parse(string input, DateOnly today)
    {
        var text = TextInput.Clean(input);
        if (text.Length is 0 or > 40)
        {
            return Parsed<DateOnly>.Fail($"Please type the date of birth, {Example}.");
        }

        int day, month, year;
        string yearText;
        if (Iso().Match(text) is { Success: true } iso)
        {
            (year, month, day, yearText) = (Int(iso.Groups[1].Value), Int(iso.Groups[2].Value), Int(iso.Groups[3].Value), iso.Groups[1].Value);
        }
        else if (Numeric().Match(text) is { Success: true } numeric)
        {
            (day, month, yearText) = (Int(numeric.Groups[1].Value), Int(numeric.Groups[2].Value), numeric.Groups[3].Value);
            year = Int(yearText);
        }
        else if (Words().Match(text) is { Success: true } words)
        {
            day = Int(words.Groups[1].Value);
            month = MonthFromName(words.Groups[2].Value);
            yearText = words.Groups[3].Value;
            year = Int(yearText);
            if (month == 0)
            {
                return Parsed<DateOnly>.Fail($"I didn't recognise the month. Please type the date {Example}.");
            }
        }
        else
        {
            return Parsed<DateOnly>.Fail($"Please type the date of birth as day, month and year, {Example}.");
        }

        if (yearText.Length != 4)
        {
            return Parsed<DateOnly>.Fail($"Please give the year in full (4 digits), {Example}.");
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return Parsed<DateOnly>.Fail($"That date does not exist. Please check it and type it {Example}.");
        }

        var date = new DateOnly(year, month, day);
        if (date > today)
        {
            return Parsed<DateOnly>.Fail("The date of birth cannot be in the future.");
        }

        if (date < today.AddYears(-MaxAgeYears))
        {
            return Parsed<DateOnly>.Fail($"The date of birth cannot be more than {MaxAgeYears} years ago. Please check the year.");
        }

        return Parsed<DateOnly>.Success(date);
    }

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int MonthFromName(string name)
    {
        if (name.Length < 3)
        {
            return 0;
        }

        var lower = name.ToLowerInvariant();
        for (var i = 0; i < Months.Length; i++)
        {
            var full = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[i].ToLowerInvariant();
            if (lower == full || lower == Months[i] || (lower == "sept" && i == 8))
            {
                return i + 1;
            }
        }

        return 0;
    }
}
