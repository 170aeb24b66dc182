using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Steps;
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
    [InlineData("", "Please give the first name")]
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
        EmergencyStep.Choices.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(emergency);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("🙂")]
    public void Unclear_choice_answers_are_not_guessed(string text)
    {
        EmergencyStep.Choices.TryParse(text, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("4", Gender.PreferNotToSay)]
    [InlineData("prefer not to say", Gender.PreferNotToSay)]
    [InlineData("F", Gender.Female)]
    [InlineData("male", Gender.Male)]
    [InlineData("option 3", Gender.Other)]
    public void Gender_choices_read_numbers_and_words(string text, Gender expected)
    {
        GenderStep.Choices.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("jane smith", "Jane Smith")]
    [InlineData("JANE", "Jane")]
    [InlineData("o'neill-hughes", "O'Neill-Hughes")]
    [InlineData("McDonald", "McDonald")]
    [InlineData("mary-jane o’brien", "Mary-Jane O’brien")]
    [InlineData("zoë", "Zoë")]
    public void Names_are_shown_in_title_case_as_people_write_them(string stored, string shown)
    {
        NameParser.Display(stored).ShouldBe(shown);
    }

    [Theory]
    [InlineData("gp", 1)]
    [InlineData("Fit note", 2)]
    [InlineData("the admin one please", 2)]
    [InlineData("ongoing", 1)]
    public void A_unique_word_of_a_label_or_a_synonym_chooses_it(string text, int expected)
    {
        var set = new ChoiceSet<int>(
            new ChoiceItem<int>(1, "Medical request (a new or ongoing health problem)", "doctor", "gp"),
            new ChoiceItem<int>(2, "Admin request (fit notes, letters)", "admin"));

        set.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("parent")]
    [InlineData("my mum")]
    [InlineData("social worker")]
    public void Fixed_choices_are_read_by_their_words_too(string text)
    {
        ProxyRelationshipStep.Choices.TryParse(text, out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("medical", 0)]
    [InlineData("health problem", 0)]
    [InlineData("letters", 1)]
    [InlineData("admin", 1)]
    [InlineData("I need a sick note for work", 1)]
    public void Request_types_are_read_by_label_words_synonyms_and_in_sentences(string text, int expected)
    {
        var set = RequestTypeStep.Choices([
            new("medical-request", "Medical request", PatientContact.Rules.RequestKind.Request, null) { Examples = "a new or ongoing health problem", Synonyms = ["doctor"] },
            new("admin-request", "Admin request", PatientContact.Rules.RequestKind.Request, null) { Examples = "fit notes, letters", Synonyms = ["sick note"] },
        ]);

        var match = set.Match(text);

        match.Outcome.ShouldBe(ChoiceOutcome.Chosen);
        match.Value!.Id.ShouldBe(expected == 0 ? "medical-request" : "admin-request");
    }

    [Theory]
    [InlineData("request")]
    [InlineData("I need the doctor about a sick note")]
    public void A_word_of_two_choices_is_ambiguous_and_names_both(string text)
    {
        var set = RequestTypeStep.Choices([
            new("medical-request", "Medical request", PatientContact.Rules.RequestKind.Request, null) { Synonyms = ["doctor"] },
            new("admin-request", "Admin request", PatientContact.Rules.RequestKind.Request, null) { Synonyms = ["sick note"] },
        ]);

        var match = set.Match(text);

        match.Outcome.ShouldBe(ChoiceOutcome.Ambiguous);
        match.Candidates.ShouldBe([0, 1]);
        Questions.WhichOne(set, match.Candidates).ShouldBe("That could mean more than one choice. Did you mean 1 (Medical request) or 2 (Admin request)? Reply with a number or the words.");
    }

    [Fact]
    public void Choices_are_numbered_in_spec_order()
    {
        ProxyStep.Choices.Choices.Select(c => $"{c.Value} {c.Label}").ShouldBe(["1 Myself", "2 Someone else"]);
        ProxyRelationshipStep.Choices.Choices.Select(c => c.Label).ShouldBe(["Parent or guardian", "Carer", "Family member", "Friend", "Care professional", "Other"]);
        GenderStep.Choices.Choices.Select(c => c.Label).ShouldBe(["Female", "Male", "Other", "Prefer not to say"]);
        ReviewStep.Choices.Choices.Select(c => c.Label).ShouldBe(["Submit", "Change an answer"]);
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
