using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Tests.Parsing;

public class PhoneParserTests
{
    [Theory]
    [InlineData("07700 900123", "+447700900123", true)]
    [InlineData("07700900123", "+447700900123", true)]
    [InlineData("+44 7700 900123", "+447700900123", true)]
    [InlineData("447700900123", "+447700900123", true)]
    [InlineData("0044 7700 900123", "+447700900123", true)]
    [InlineData("+44 (0)7700 900123", "+447700900123", true)]
    [InlineData("07700-900-123", "+447700900123", true)]
    [InlineData("0113 496 0000", "+441134960000", false)]
    [InlineData("020 7946 0000", "+442079460000", false)]
    public void Reads_uk_numbers_as_people_type_them(string text, string e164, bool mobile)
    {
        var parsed = PhoneParser.Parse(text);
        parsed.Ok.ShouldBeTrue(parsed.Reason);
        parsed.Value!.E164.ShouldBe(e164);
        parsed.Value.IsMobile.ShouldBe(mobile);
    }

    [Theory]
    [InlineData("+1 202 555 0143", "UK phone numbers")]
    [InlineData("+33 6 12 34 56 78", "UK phone numbers")]
    [InlineData("0770090012", "complete UK phone number")]
    [InlineData("077009001234", "complete UK phone number")]
    [InlineData("09098 790000", "premium")]
    [InlineData("call me on 07700 900123", "only have digits")]
    [InlineData("", "UK phone number")]
    public void Refuses_other_numbers_with_a_reason(string text, string reason)
    {
        var parsed = PhoneParser.Parse(text);
        parsed.Ok.ShouldBeFalse();
        parsed.Reason!.ShouldContain(reason);
    }

    [Fact]
    public void Displays_numbers_the_uk_way()
    {
        PhoneParser.Display("+447700900123").ShouldBe("07700 900123");
    }
}
