using PatientContact.Inbox.Matching.Pds;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>PDS's rules for a search, applied before anything is sent.</summary>
public sealed class PdsSearchRulesTests
{
    private static readonly DateOnly Born = new(2010, 10, 22);

    [Fact]
    public void A_plain_search_needs_only_family_and_date_of_birth() =>
        new PdsSearch { Family = "Smith", BirthDate = Born }.ToQueryString().ShouldBe("family=Smith&birthdate=eq2010-10-22");

    [Fact]
    public void Names_postcodes_and_wildcards_are_url_encoded() =>
        new PdsSearch { Family = "O'Brien-Åkesson", Given = ["Mary Jane"], Postcode = "LS*", BirthDate = Born }.ToQueryString()
            .ShouldBe("family=O%27Brien-%C3%85kesson&given=Mary%20Jane&birthdate=eq2010-10-22&address-postalcode=LS%2A");

    [Theory]
    [InlineData("S*")]
    [InlineData("*mith")]
    public void A_wildcard_in_the_first_two_characters_is_refused(string family) =>
        Should.Throw<ArgumentException>(() => new PdsSearch { Family = family, BirthDate = Born }.ToQueryString()).Message.ShouldContain("first two characters");

    [Fact]
    public void A_fuzzy_search_cannot_use_wildcards() =>
        Should.Throw<ArgumentException>(() => new PdsSearch { Family = "Sm*", Given = ["Jane"], BirthDate = Born, FuzzyMatch = true }.ToQueryString())
            .Message.ShouldContain("wildcards");

    [Fact]
    public void A_search_without_family_name_is_refused_unless_fuzzy_with_given_gender_and_postcode()
    {
        Should.Throw<ArgumentException>(() => new PdsSearch { Given = ["Jane"], BirthDate = Born }.ToQueryString());
        Should.Throw<ArgumentException>(() => new PdsSearch { Given = ["Jane"], BirthDate = Born, FuzzyMatch = true }.ToQueryString());

        new PdsSearch { Given = ["Jane"], Gender = PdsGender.Female, Postcode = "LS1 6AE", BirthDate = Born, FuzzyMatch = true }.ToQueryString()
            .ShouldBe("given=Jane&gender=female&birthdate=eq2010-10-22&address-postalcode=LS1%206AE&_fuzzy-match=true");
    }

    [Fact]
    public void A_fuzzy_search_with_family_alone_needs_gender_and_postcode()
    {
        Should.Throw<ArgumentException>(() => new PdsSearch { Family = "Smith", BirthDate = Born, FuzzyMatch = true }.ToQueryString());
        new PdsSearch { Family = "Smith", Gender = PdsGender.Female, Postcode = "LS1 6AE", BirthDate = Born, FuzzyMatch = true }.ToQueryString().ShouldContain("_fuzzy-match=true");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void Max_results_outside_1_to_50_is_refused(int max) =>
        Should.Throw<ArgumentException>(() => new PdsSearch { Family = "Smith", BirthDate = Born, MaxResults = max }.ToQueryString());

    [Fact]
    public void A_name_longer_than_35_characters_is_refused_without_repeating_it()
    {
        var name = new string('a', 36);

        var error = Should.Throw<ArgumentException>(() => new PdsSearch { Family = name, BirthDate = Born }.ToQueryString());

        error.Message.ShouldNotContain(name);
    }
}
