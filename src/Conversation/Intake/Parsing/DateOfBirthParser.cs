using System.Globalization;
using System.Text.RegularExpressions;

namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>
/// UK day-first dates of birth as people type them: 1/2/1980, 01.02.1980, 1-2-1980, 1 2 1980, 01021980,
/// 1 Feb 1980, 1st February 1980, 1-Feb-1980, February 1 1980, Feb 1st, 1980, 1980-02-01. A two-digit
/// year, a month-first number date ("10/22/2010") and dates that do not exist are refused with the reason.
/// </summary>
public static partial class DateOfBirthParser
{
    public const int MaxAgeYears = 130;

    private const string Example = "like 21/03/1980 or 21 March 1980";

    [GeneratedRegex(@"^(\d{1,2})(?:\s*[/.\-]\s*|\s+)(\d{1,2})(?:\s*[/.\-]\s*|\s+)(\d{1,4})$")]
    private static partial Regex Numeric();

    [GeneratedRegex(@"^(\d{4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,2})$")]
    private static partial Regex Iso();

    /// <summary>Day, month and year with nothing between them: 8 digits (6 are refused as a short year).</summary>
    [GeneratedRegex(@"^(\d{2})(\d{2})(\d{2}|\d{4})$")]
    private static partial Regex Compact();

    [GeneratedRegex(@"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.,]*(?:of\s+)?([a-z]+)\.?[\s\-/.,]*(\d{1,4})$", RegexOptions.IgnoreCase)]
    private static partial Regex DayFirstWords();

    [GeneratedRegex(@"^([a-z]+)\.?[\s\-/.,]*(\d{1,2})(?:st|nd|rd|th)?[\s\-/.,]+(\d{1,4})$", RegexOptions.IgnoreCase)]
    private static partial Regex MonthFirstWords();

    private static readonly string[] Months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static Parsed<DateOnly> Parse(string input, DateOnly today)
    {
        var text = TextInput.Clean(input);
        if (text.Length is 0 or > 40)
        {
            return Parsed<DateOnly>.Fail($"Please give the date of birth, {Example}.");
        }

        int day, month;
        string yearText;
        var numericMonth = true;
        if (Iso().Match(text) is { Success: true } iso)
        {
            (yearText, month, day) = (iso.Groups[1].Value, Int(iso.Groups[2].Value), Int(iso.Groups[3].Value));
        }
        else if (Numeric().Match(text) is { Success: true } numeric)
        {
            (day, month, yearText) = (Int(numeric.Groups[1].Value), Int(numeric.Groups[2].Value), numeric.Groups[3].Value);
        }
        else if (Compact().Match(text) is { Success: true } compact)
        {
            (day, month, yearText) = (Int(compact.Groups[1].Value), Int(compact.Groups[2].Value), compact.Groups[3].Value);
        }
        else if (DayFirstWords().Match(text) is { Success: true } dayFirst)
        {
            (day, month, yearText) = (Int(dayFirst.Groups[1].Value), MonthFromName(dayFirst.Groups[2].Value), dayFirst.Groups[3].Value);
            numericMonth = false;
        }
        else if (MonthFirstWords().Match(text) is { Success: true } monthFirst)
        {
            (month, day, yearText) = (MonthFromName(monthFirst.Groups[1].Value), Int(monthFirst.Groups[2].Value), monthFirst.Groups[3].Value);
            numericMonth = false;
        }
        else if (text.All(c => char.IsAsciiDigit(c) || char.IsWhiteSpace(c)) || !text.Any(char.IsAsciiDigit))
        {
            return Parsed<DateOnly>.Fail($"Please give the date of birth as day, month and year, {Example}.");
        }
        else
        {
            return Parsed<DateOnly>.Fail($"Please give the day, month and year, {Example}.");
        }

        if (!numericMonth && month == 0)
        {
            return Parsed<DateOnly>.Fail($"We did not recognise the month. Please give the date {Example}.");
        }

        if (yearText.Length != 4)
        {
            return Parsed<DateOnly>.Fail($"Please give the year in full (4 digits), {Example}.");
        }

        var year = Int(yearText);
        if (numericMonth && month > 12 && day is >= 1 and <= 12)
        {
            // "10/22/2010": month first, as in the US. Swapping could be wrong for 05/06, so it is never guessed.
            return Parsed<DateOnly>.Fail($"There is no month {month}. Please put the day first, then the month, {Example}.");
        }

        if (month is < 1 or > 12)
        {
            return Parsed<DateOnly>.Fail($"The month must be 1 to 12. Please check it, {Example}.");
        }

        if (year < 1 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month))
        {
            var name = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[month - 1];
            return Parsed<DateOnly>.Fail(year < 1 || day < 1
                ? $"That date does not exist. Please check it, {Example}."
                : $"That date does not exist: {name} {year} has {DateTime.DaysInMonth(year, month)} days. Please check it.");
        }

        var date = new DateOnly(year, month, day);
        if (date > today)
        {
            return Parsed<DateOnly>.Fail("The date of birth cannot be in the future. Please check the year.");
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
