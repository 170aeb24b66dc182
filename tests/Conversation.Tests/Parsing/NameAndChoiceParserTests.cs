using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Tests.Parsing;

public class NameAndChoiceParserTests
{
    [Theory]
    [InlineData("Jane", "Jane")]
    [InlineData("  Mary  Ann ", "Mary Ann")]
    [InlineData("O’Brien", "O'Brien")]
    [InlineData("Smith-Jones", "Smith-Jones")]
    [InlineData("Zoë", "Zoë")]
    [InlineData("Siân", "Siân")]
    public void Names_accept_letters_spaces_hyphens_and_apostrophes(string text, string expected)
    {
        var parsed = NameParser.Parse(text, "first name");
        parsed.Ok.ShouldBeTrue(parsed.Reason);
        parsed.Value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("", "Please type the first name")]
    [InlineData("J4ne", "only have letters")]
    [InlineData("<script>alert(1)</script>", "only have letters")]
    [InlineData("Robert'); DROP TABLE requests;--", "only have letters")]
    [InlineData("--", "at least one letter")]
    [InlineData("Abcdefghijklmnopqrstuvwxyzabcdefghij", "35 characters or fewer")]
    [InlineData("😀", "only have letters")]
    public void Names_refuse_anything_else_with_a_reason(string text, string reason)
    {
        var parsed = NameParser.Parse(text, "first name");
        parsed.Ok.ShouldBeFalse();
        parsed.Reason!.ShouldContain(reason);
    }

    [Property(MaxTest = 300)]
    public Property A_name_that_parses_is_at_most_35_characters_of_the_allowed_kind(string text)
    {
        var parsed = NameParser.Parse(text ?? string.Empty, "first name");
        return (!parsed.Ok || (parsed.Value!.Length <= 35 && parsed.Value.All(c => char.IsLetter(c) || c is ' ' or '-' or '\''))).ToProperty();
    }

    [Theory]
    [InlineData("1", false)]
    [InlineData("No", false)]
    [InlineData("n", false)]
    [InlineData("NOT AN EMERGENCY", false)]
    [InlineData("No, it's not an emergency", false)]
    [InlineData("no its not 🙂", false)]
    [InlineData("2", true)]
    [InlineData("Y", true)]
    [InlineData("yes please", true)]
    [InlineData("Yes, it’s an emergency", true)]
    public void Emergency_answers_are_read_from_numbers_words_and_labels(string text, bool emergency)
    {
        Choices.Emergency.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(emergency);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("🙂")]
    public void Unclear_choice_answers_are_not_guessed(string text)
    {
        Choices.Emergency.TryParse(text, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("4", Gender.PreferNotToSay)]
    [InlineData("prefer not to say", Gender.PreferNotToSay)]
    [InlineData("F", Gender.Female)]
    [InlineData("male", Gender.Male)]
    [InlineData("option 3", Gender.Other)]
    public void Gender_choices_read_numbers_and_words(string text, Gender expected)
    {
        Choices.Gender.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Fact]
    public void Choices_are_numbered_in_spec_order()
    {
        Choices.Proxy.Choices.Select(c => $"{c.Value} {c.Label}").ShouldBe(["1 Myself", "2 Someone else"]);
        Choices.Relationship.Choices.Select(c => c.Label).ShouldBe(["Parent or guardian", "Carer", "Family member", "Friend", "Care professional", "Other"]);
        Choices.Gender.Choices.Select(c => c.Label).ShouldBe(["Female", "Male", "Other", "Prefer not to say"]);
        Choices.Review.Choices.Select(c => c.Label).ShouldBe(["Submit", "Change an answer"]);
    }

    [Fact]
    public void Reference_ids_are_crockford_base32_in_two_groups_of_four()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => ReferenceIds.New()).ToList();
        ids.ShouldAllBe(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"));
        ids.Distinct().Count().ShouldBe(ids.Count);
    }

    [Theory]
    [InlineData("abcd-efgh", "ABCD-EFGH")]
    [InlineData("ABCDEFGH", "ABCD-EFGH")]
    [InlineData("0o1i-l234", "0011-1234")]
    public void Reference_ids_are_read_as_people_type_them(string text, string expected)
    {
        ReferenceIds.TryNormalize(text, out var id).ShouldBeTrue();
        id.ShouldBe(expected);
    }

    [Theory]
    [InlineData("ABCD-EFG")]
    [InlineData("ABCD-EFGU")]
    [InlineData("ABCD-EFGH-1")]
    [InlineData("")]
    public void Malformed_reference_ids_are_refused(string text)
    {
        ReferenceIds.TryNormalize(text, out _).ShouldBeFalse();
    }
}
