using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Tests.Parsing;

public class PostcodeParserTests
{
    [Theory]
    [InlineData("sw1a1aa", "SW1A 1AA")]
    [InlineData("SW1A 1AA", "SW1A 1AA")]
    [InlineData("  sw1a   1aa ", "SW1A 1AA")]
    [InlineData("ls16ae", "LS1 6AE")]
    [InlineData("LS1 6AE", "LS1 6AE")]
    [InlineData("m11ae", "M1 1AE")]
    [InlineData("B338TH", "B33 8TH")]
    [InlineData("cr2 6xh", "CR2 6XH")]
    [InlineData("dn55 1pt", "DN55 1PT")]
    [InlineData("W1A 0AX", "W1A 0AX")]
    [InlineData("ec1a 1bb", "EC1A 1BB")]
    public void Normalises_uk_postcodes(string text, string expected)
    {
        var parsed = PostcodeParser.Parse(text);
        parsed.Ok.ShouldBeTrue(parsed.Reason);
        parsed.Value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("SW1A")]
    [InlineData("QW1A 1AA")]
    [InlineData("SW1A 1CA")]
    [InlineData("90210")]
    [InlineData("LS1 6AE LS1 6AE")]
    [InlineData("<b>LS1 6AE</b>")]
    public void Refuses_what_is_not_a_uk_postcode(string text)
    {
        var parsed = PostcodeParser.Parse(text);
        parsed.Ok.ShouldBeFalse();
        parsed.Reason!.ShouldContain("postcode");
    }

    [Property(MaxTest = 200)]
    public Property Normalising_is_stable_whatever_the_case_and_spacing()
    {
        var codes = Gen.Elements("SW1A 1AA", "LS1 6AE", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB");
        var styles = Gen.Elements(0, 1, 2, 3);
        return Prop.ForAll(Arb.From(codes.Zip(styles)), pair =>
        {
            var (code, style) = pair;
            var typed = style switch
            {
                0 => code.ToLowerInvariant(),
                1 => code.Replace(" ", string.Empty, StringComparison.Ordinal),
                2 => " " + code.Replace(" ", "   ", StringComparison.Ordinal).ToLowerInvariant() + " ",
                _ => code,
            };
            var once = PostcodeParser.Parse(typed);
            return once.Ok && once.Value == code && PostcodeParser.Parse(once.Value!).Value == code;
        });
    }
}
