namespace PatientContact.Rules.Tests;

/// <remarks>
/// Phrases match whole words after case, punctuation and apostrophes are set aside, so "my chest of drawers
/// fell on my foot" is not flagged (no chest-pain phrase is in it), while "no chest pain" is: a flag is soft
/// advice the patient may read past, so a phrase is flagged whatever words stand before it.
/// </remarks>
public sealed class RedFlagTests
{
    private static readonly RuleBook Book = RuleBookLoader.Load(RulesFolders.Demo);

    [Theory]
    [InlineData("I've had chest pain since this morning", "chest-pain", "emergency")]
    [InlineData("CRUSHING CHEST pain going down my arm", "chest-pain", "emergency")]
    [InlineData("chest pains when I walk", "chest-pain", "emergency")]
    [InlineData("my chest feels tight", "chest-pain", "emergency")]
    [InlineData("I can't breathe properly", "struggling-to-breathe", "emergency")]
    [InlineData("I cant breathe", "struggling-to-breathe", "emergency")]
    [InlineData("I can\u2019t breathe", "struggling-to-breathe", "emergency")]
    [InlineData("I CAN`T BREATHE", "struggling-to-breathe", "emergency")]
    [InlineData("my son is struggling to breathe", "struggling-to-breathe", "emergency")]
    [InlineData("I've been having suicidal thoughts", "suicidal-thoughts", "emergency")]
    [InlineData("I want to end my life", "suicidal-thoughts", "emergency")]
    [InlineData("sometimes I want to kill myself", "suicidal-thoughts", "emergency")]
    [InlineData("I don\u2019t want to live any more", "suicidal-thoughts", "emergency")]
    [InlineData("Dad's face is drooping on one side", "stroke-signs", "emergency")]
    [InlineData("her speech is slurred", "stroke-signs", "emergency")]
    [InlineData("slurred speech and a weak arm", "stroke-signs", "emergency")]
    [InlineData("sudden arm weakness", "stroke-signs", "emergency")]
    [InlineData("the cut won't stop bleeding", "heavy-bleeding", "emergency")]
    [InlineData("heavy bleeding after the operation", "heavy-bleeding", "emergency")]
    [InlineData("I'm coughing up blood", "heavy-bleeding", "emergency")]
    [InlineData("severe allergic reaction to peanuts", "severe-allergic-reaction", "emergency")]
    [InlineData("her lips are swelling after a wasp sting", "severe-allergic-reaction", "emergency")]
    [InlineData("he had anaphylaxis before", "severe-allergic-reaction", "emergency")]
    [InlineData("my husband is unconscious", "unconscious-or-seizure", "emergency")]
    [InlineData("she had a seizure this morning", "unconscious-or-seizure", "emergency")]
    [InlineData("he's having seizures", "unconscious-or-seizure", "emergency")]
    [InlineData("I think I took an overdose", "overdose", "emergency")]
    [InlineData("baby has a rash that doesn't fade", "meningitis-signs", "emergency")]
    [InlineData("I've been self-harming again", "self-harm", "emergency")]
    [InlineData("I get short of breath on the stairs", "short-of-breath", "urgent")]
    public async Task Phrase_is_flagged_with_its_severity(string details, string id, string severity)
    {
        var flags = await Book.FindRedFlagsAsync(Book.Services[0], details);

        var flag = flags.ShouldHaveSingleItem();
        flag.Id.ShouldBe(id);
        flag.Severity.ShouldBe(severity);
    }

    [Theory]
    [InlineData("chest-pain")]
    [InlineData("struggling-to-breathe")]
    [InlineData("stroke-signs")]
    [InlineData("heavy-bleeding")]
    [InlineData("severe-allergic-reaction")]
    [InlineData("unconscious-or-seizure")]
    public async Task Emergency_advice_says_call_999(string id)
    {
        var flags = await Book.FindRedFlagsAsync(Book.Services[0], Phrases[id]);

        flags.Single(f => f.Id == id).Advice.ShouldContain("999");
    }

    /// <remarks>The rule's advice names 999; its topic makes the conversation add 111's mental health option, the crisis line, Samaritans and Shout.</remarks>
    [Fact]
    public async Task Mental_health_advice_gives_111_and_a_helpline()
    {
        var flags = await Book.FindRedFlagsAsync(Book.FindService("hillview-mental-health")!, "I keep thinking about suicide");

        var flag = flags.ShouldHaveSingleItem();
        flag.Advice.ShouldContain("999");
        flag.Topic.ShouldBe(RedFlagTopic.MentalHealth);
    }

    [Theory]
    [InlineData("I need a repeat prescription for my inhaler")]
    [InlineData("my chest of drawers fell on my foot")]
    [InlineData("Can I change my appointment to Thursday?")]
    [InlineData("I have a sore throat and a runny nose")]
    [InlineData("I hurt my arm playing football and it aches")]
    [InlineData("I'd like a fit note for work")]
    [InlineData("She strokes the cat to calm down")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Ordinary_details_raise_no_flag(string details)
    {
        var flags = await Book.FindRedFlagsAsync(Book.Services[0], details);

        flags.ShouldBeEmpty();
    }

    [Fact]
    public async Task Several_flags_come_back_in_rule_order()
    {
        var flags = await Book.FindRedFlagsAsync(Book.Services[0], "Slurred speech, and now chest pain and I can't breathe");

        flags.Select(f => f.Id).ShouldBe(["struggling-to-breathe", "chest-pain", "stroke-signs"]);
    }

    [Fact]
    public async Task Negated_phrase_is_not_flagged_but_a_mention_in_another_sentence_is()
    {
        (await Book.FindRedFlagsAsync(Book.Services[0], "No chest pain, just a cough")).ShouldBeEmpty();

        var flags = await Book.FindRedFlagsAsync(Book.Services[0], "No. Chest pain since this morning");

        flags.ShouldHaveSingleItem().Id.ShouldBe("chest-pain");
    }

    [Fact]
    public async Task Every_service_type_gets_the_same_red_flags()
    {
        foreach (var service in Book.Services)
        {
            (await Book.FindRedFlagsAsync(service, "chest pain")).ShouldHaveSingleItem().Id.ShouldBe("chest-pain");
        }
    }

    private static readonly Dictionary<string, string> Phrases = new()
    {
        ["chest-pain"] = "chest pain",
        ["struggling-to-breathe"] = "can't breathe",
        ["stroke-signs"] = "face drooping",
        ["heavy-bleeding"] = "heavy bleeding",
        ["severe-allergic-reaction"] = "swollen tongue",
        ["unconscious-or-seizure"] = "collapsed",
    };
}
