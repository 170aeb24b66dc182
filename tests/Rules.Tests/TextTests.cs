using FsCheck.Xunit;
using PatientContact.Rules.Expressions;

namespace PatientContact.Rules.Tests;

public sealed class TextTests
{
    [Theory]
    [InlineData("I CAN\u2019T breathe!!", " i cant breathe ")]
    [InlineData("  chest   pain\t\nagain ", " chest pain again ")]
    [InlineData("self-harm", " self harm ")]
    [InlineData("", " ")]
    public void Normalise_lower_cases_drops_apostrophes_and_collapses_spaces(string text, string expected) =>
        Text.Normalise(text).ShouldBe(expected);

    [Theory]
    [InlineData("I want to harm myself", "arm", false)]
    [InlineData("my arm is weak", "arm", true)]
    [InlineData("she is bleeding", "bleed*", true)]
    [InlineData("chest of drawers", "chest pain", false)]
    [InlineData("can't breathe", "cant breathe", true)]
    [InlineData("cant breathe", "can't breathe", true)]
    [InlineData("can\u2018t breathe", "can\u2019t breathe", true)]
    public void Phrases_match_whole_words(string details, string phrase, bool expected) =>
        Text.ContainsAny(Text.Normalise(details), phrase).ShouldBe(expected);

    [Fact]
    public void ContainsAll_needs_every_phrase()
    {
        var details = Text.Normalise("Her face has dropped and her arm is weak");

        Text.ContainsAll(details, "face|arm is weak").ShouldBeTrue();
        Text.ContainsAll(details, "face|slurred").ShouldBeFalse();
    }

    [Fact]
    public void Empty_phrase_is_refused() =>
        Should.Throw<ArgumentException>(() => Text.ContainsAny(" x ", "chest pain||tight chest"));

    [Property(MaxTest = 200)]
    public bool Matching_ignores_case_and_apostrophe_style(bool upper, int apostrophe)
    {
        char[] apostrophes = ['\'', '\u2019', '\u2018', '`'];
        var mark = apostrophes[Math.Abs(apostrophe % apostrophes.Length)];
        var details = $"Help, I can{mark}t breathe";
        details = upper ? details.ToUpperInvariant() : details;
        return Text.ContainsAny(Text.Normalise(details), "can't breathe");
    }
}
