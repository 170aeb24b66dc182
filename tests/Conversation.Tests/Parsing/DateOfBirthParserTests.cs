using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Tests.Parsing;

public class DateOfBirthParserTests
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    [Theory]
    [InlineData("1/2/1980", 1980, 2, 1)]
    [InlineData("01/02/1980", 1980, 2, 1)]
    [InlineData("1 Feb 1980", 1980, 2, 1)]
    [InlineData("1 February 1980", 1980, 2, 1)]
    [InlineData("1980-02-01", 1980, 2, 1)]
    [InlineData("22/10/2010", 2010, 10, 22)]
    [InlineData(" 22.10.2010 ", 2010, 10, 22)]
    [InlineData("22-10-2010", 2010, 10, 22)]
    [InlineData("22nd October 2010", 2010, 10, 22)]
    [InlineData("22 oct 2010", 2010, 10, 22)]
    [InlineData("3 Sept 1999", 1999, 9, 3)]
    [InlineData("29/02/2000", 2000, 2, 29)]
    [InlineData("26/11/2026", 2026, 11, 26)]
    [InlineData("22 10 2010", 2010, 10, 22)]
    [InlineData("22102010", 2010, 10, 22)]
    [InlineData("October 22 2010", 2010, 10, 22)]
    [InlineData("October 22nd, 2010", 2010, 10, 22)]
    [InlineData("Oct. 22 2010", 2010, 10, 22)]
    [InlineData("22-Oct-2010", 2010, 10, 22)]
    [InlineData("22/oct/2010", 2010, 10, 22)]
    [InlineData("22 of October, 2010", 2010, 10, 22)]
    [InlineData("2010 10 22", 2010, 10, 22)]
    public void Accepts_day_first_uk_forms(string text, int year, int month, int day)
    {
        var parsed = DateOfBirthParser.Parse(text, Today);
        parsed.Ok.ShouldBeTrue(parsed.Reason);
        parsed.Value.ShouldBe(new DateOnly(year, month, day));
    }

    [Theory]
    [InlineData("", "Please give the date of birth")]
    [InlineData("yesterday", "day, month and year")]
    [InlineData("31/02/1980", "does not exist")]
    [InlineData("29/02/2001", "does not exist")]
    [InlineData("13/13/1980", "month must be 1 to 12")]
    [InlineData("1/2/80", "year in full")]
    [InlineData("221010", "year in full")]
    [InlineData("10/22/2010", "There is no month 22. Please put the day first")]
    [InlineData("October 2010", "day, month and year")]
    [InlineData("22 10", "day, month and year")]
    [InlineData("2210201", "day, month and year")]
    [InlineData("31-Apr-2010", "April 2010 has 30 days")]
    [InlineData("February 29 2001", "February 2001 has 28 days")]
    [InlineData("22 Octobre 2010", "We did not recognise the month")]
    [InlineData("27/11/2026", "cannot be in the future")]
    [InlineData("1/1/1890", "more than 130 years ago")]
    [InlineData("1 Smarch 1980", "We did not recognise the month")]
    [InlineData("2/1/1980; DROP TABLE requests", "day, month and year")]
    public void Refuses_bad_dates_with_a_reason(string text, string reason)
    {
        var parsed = DateOfBirthParser.Parse(text, Today);
        parsed.Ok.ShouldBeFalse();
        parsed.Reason!.ShouldContain(reason);
    }

    [Property(MaxTest = 300)]
    public Property Any_date_in_range_written_any_accepted_way_reads_back_the_same()
    {
        var dates = Gen.Choose(0, 130 * 365 - 2).Select(days => Today.AddDays(-days));
        var formats = Gen.Elements("d/M/yyyy", "dd/MM/yyyy", "d MMM yyyy", "d MMMM yyyy", "yyyy-MM-dd");
        return Prop.ForAll(
            Arb.From(dates.Zip(formats)),
            pair =>
            {
                var (date, format) = pair;
                var text = date.ToString(format, CultureInfo.InvariantCulture);
                var parsed = DateOfBirthParser.Parse(text, Today);
                return parsed.Ok && parsed.Value == date;
            });
    }

    [Property(MaxTest = 300)]
    public Property Arbitrary_text_never_throws_and_either_parses_or_gives_a_reason(string text)
    {
        var parsed = DateOfBirthParser.Parse(text ?? string.Empty, Today);
        return (parsed.Ok ? parsed.Value <= Today : !string.IsNullOrEmpty(parsed.Reason)).ToProperty();
    }
}
