using FsCheck;
using FsCheck.Fluent;
using PatientContact.Inbox.Matching;

namespace PatientContact.Inbox.Tests.Matching;

public sealed class NhsNumberTests
{
    [Theory]
    [InlineData("9000000009")]
    [InlineData("9000000017")]
    [InlineData("9000000025")]
    [InlineData("9434765919")]
    [InlineData("9693632109")]
    [InlineData("4010232137")]
    public void A_number_with_the_right_check_digit_is_valid(string number) => NhsNumber.IsValid(number).ShouldBeTrue();

    [Theory]
    [InlineData("9000000000", "wrong check digit")]
    [InlineData("9434765918", "wrong check digit")]
    [InlineData("9434765910", "wrong check digit")]
    [InlineData("1000000010", "check result of 10: no valid number has these nine digits")]
    [InlineData("943476591", "nine digits")]
    [InlineData("94347659190", "eleven digits")]
    [InlineData("943 476 5919", "spaces are for TryNormalize")]
    [InlineData("94347659I9", "a letter")]
    [InlineData("９４３４７６５９１９", "full-width digits")]
    [InlineData("", "empty")]
    [InlineData(null, "null")]
    public void Anything_else_is_not(string? number, string why) => NhsNumber.IsValid(number).ShouldBeFalse(why);

    [Theory]
    [InlineData("943 476 5919")]
    [InlineData("943-476-5919")]
    [InlineData(" 9434765919 ")]
    [InlineData("94 34 76 59 19")]
    public void Written_with_spaces_or_hyphens_it_is_normalised(string written)
    {
        NhsNumber.TryNormalize(written, out var number).ShouldBeTrue();
        number.ShouldBe("9434765919");
    }

    [Theory]
    [InlineData("943 476 5918")]
    [InlineData("943/476/5919")]
    [InlineData("NHS 9434765919")]
    [InlineData("9434765919 9434765919")]
    [InlineData("   ")]
    [InlineData(null)]
    public void A_wrong_or_strange_number_is_refused_and_gives_nothing(string? written)
    {
        NhsNumber.TryNormalize(written, out var number).ShouldBeFalse();
        number.ShouldBeEmpty();
    }

    [Fact]
    public void Staff_read_it_in_three_three_four() => NhsNumber.Format("9434765919").ShouldBe("943 476 5919");

    [FsCheck.Xunit.Property]
    public Property Changing_any_one_digit_of_a_valid_number_makes_it_invalid() =>
        Prop.ForAll(
            Gen.Choose(0, 999_999_999).ToArbitrary(),
            Gen.Choose(0, 9).ToArbitrary(),
            Gen.Choose(1, 9).ToArbitrary(),
            (stem, position, change) =>
            {
                var number = WithCheckDigit(stem);
                if (number is null)
                {
                    return true;
                }

                var digits = number.ToCharArray();
                digits[position] = (char)('0' + ((digits[position] - '0' + change) % 10));
                return NhsNumber.IsValid(number) && !NhsNumber.IsValid(new string(digits));
            });

    /// <summary>The modulus 11 check digit worked out independently of the code under test.</summary>
    private static string? WithCheckDigit(int stem)
    {
        var nine = stem.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nine[i] - '0') * (10 - i);
        }

        var check = (11 - (sum % 11)) % 11;
        return check == 10 ? null : nine + check;
    }
}
