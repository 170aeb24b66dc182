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

    [Theory]
    [InlineData("I've been thinking of ending it", "end it")]
    [InlineData("he ended it last year", "end it")]
    [InlineData("I cut myself last night", "cutting myself")]
    [InlineData("I keep cutting myself", "cut myself")]
    [InlineData("I took all my tablets", "taken all my tablets")]
    [InlineData("overdosed on paracetamol", "overdos*")]
    [InlineData("been feeling suicidle", "suicid*")]
    [InlineData("i wanna die", "want to die")]
    [InlineData("I don't want to be here any more", "do not want to be here anymore")]
    [InlineData("she doesnt want to live", "do not want to live")]
    [InlineData("my chest is really tight", "chest is tight")]
    [InlineData("he is unconsious", "unconscious")]
    [InlineData("kms", "kill myself")]
    [InlineData("I cant breath", "cannot breathe")]
    public void Word_forms_misspellings_and_text_speak_match(string details, string phrase) =>
        Text.ContainsAny(Text.Normalise(details), phrase).ShouldBeTrue();

    [Theory]
    [InlineData("She strokes the cat", "stroke", "=strokes the", false)]
    [InlineData("I think he has had a stroke", "stroke", "=strokes the", true)]
    [InlineData("No chest pain, just a cough", "chest pain", "no chest pain", false)]
    [InlineData("No chest pain yesterday. Chest pain today", "chest pain", "no chest pain", true)]
    [InlineData("I need a fit note", "had a =fit|=fitting", "fit note", false)]
    public void Ignoring_sets_words_aside_before_matching(string details, string phrases, string ignoring, bool expected) =>
        Text.ContainsAny(Text.Normalise(details), phrases, ignoring).ShouldBe(expected);

    [Theory]
    [InlineData("No. Chest pain since this morning", "no chest pain", false)]
    [InlineData("no chest pain", "no chest pain", true)]
    [InlineData("I took 2.5 tablets", "2 5 tablets", true)]
    public void Phrases_stay_within_a_sentence(string details, string phrase, bool expected) =>
        Text.ContainsAny(Text.Normalise(details), phrase).ShouldBe(expected);

    [Theory]
    [InlineData("cutting", "cut")]
    [InlineData("ending", "end")]
    [InlineData("ended", "end")]
    [InlineData("tablets", "tablet")]
    [InlineData("bleeding", "bleed")]
    [InlineData("breathe", "breath")]
    [InlineData("breathing", "breath")]
    [InlineData("stroke", "strok")]
    [InlineData("injuries", "injury")]
    public void Stems_join_the_forms_of_a_word(string word, string stem) =>
        WordForms.Stem(word).ShouldBe(stem);

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
