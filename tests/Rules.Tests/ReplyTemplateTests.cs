namespace PatientContact.Rules.Tests;

/// <summary><c>rules/reply-templates.json</c>: canned replies per service, checked at load like every rule file.</summary>
public sealed class ReplyTemplateTests : IDisposable
{
    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Every_demo_service_has_templates_and_the_mental_health_trust_its_own()
    {
        var book = RuleBookLoader.Load(RulesFolders.Demo);
        var gp = book.FindService("riverside-gp")!;
        var trust = book.FindService("hillview-mental-health")!;

        book.ReplyTemplatesFor(gp).Select(t => t.Id).ShouldBe(["call-us", "appointment", "prescription-ready", "done"]);
        book.ReplyTemplatesFor(trust).Select(t => t.Id).ShouldBe(["call-us", "appointment", "done"]);
        book.ReplyTemplatesFor(gp)[0].Fill(gp, "ABCD-2345").ShouldBe("Riverside GP Practice: about your request ABCD-2345, please call us when you can. In an emergency, call 999.");
        book.ReplyTemplatesFor(trust)[0].Fill(trust, "ABCD-2345").ShouldContain("call 111 and choose the mental health option");
    }

    [Fact]
    public void A_rules_folder_without_the_file_offers_no_templates()
    {
        _rules.Delete("reply-templates.json");

        var book = RuleBookLoader.Load(_rules.Directory);

        book.ReplyTemplatesFor(book.FindService("riverside-gp")!).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{service}: about your request {reference}", "{service}: about your request {ref}", "call-us", "Unknown placeholder {ref}")]
    [InlineData("\"hillview-mental-health\": [", "\"hillview-mental-heath\": [", "hillview-mental-heath", "No service has the id")]
    [InlineData("\"id\": \"appointment\",\n      \"label\": \"We will book", "\"id\": \"call-us\",\n      \"label\": \"We will book", "call-us", "listed twice")]
    public void A_broken_template_fails_load_naming_the_file_the_template_and_the_reason(string oldText, string newText, string rule, string reason)
    {
        _rules.Replace("reply-templates.json", oldText, newText);

        var ex = Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(_rules.Directory));

        ex.File.ShouldBe("rules/reply-templates.json");
        ex.Rule.ShouldBe(rule);
        ex.Reason.ShouldContain(reason);
    }

    [Fact]
    public void A_template_longer_than_three_segments_once_filled_in_fails_load()
    {
        _rules.Replace("reply-templates.json", "please call us when you can.", "please call us when you can. " + string.Concat(Enumerable.Repeat("We really do need to speak to you. ", 12)));

        var ex = Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(_rules.Directory));

        ex.Rule.ShouldBe("call-us");
        ex.Reason.ShouldContain("3 SMS segments");
    }
}
