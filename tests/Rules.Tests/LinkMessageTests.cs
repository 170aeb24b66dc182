using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PatientContact.Rules.Tests;

/// <summary>
/// A service's own wording of the text sent with its link (<c>linkMessage</c>) and with a personal follow-up link
/// (<c>followUpLinkMessage</c>) in services.json: kept when it is right, and a load that fails, naming the file,
/// the service and the reason, when it is not.
/// </summary>
public sealed class LinkMessageTests : IDisposable
{
    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Wording_of_a_services_own_is_loaded_onto_its_definition()
    {
        SetWording("northside-community", "linkMessage", JsonValue.Create("{service}: send us a request online, when it's not urgent: {link}"));
        SetWording("northside-community", "followUpLinkMessage", JsonValue.Create("  {service}: your follow-up link, until {ends}: {link} Please do not share it.  "));

        var book = RuleBookLoader.Load(_rules.Directory);

        var northside = book.FindService("northside-community")!;
        northside.LinkMessage.ShouldBe("{service}: send us a request online, when it's not urgent: {link}");
        northside.FollowUpLinkMessage.ShouldBe("{service}: your follow-up link, until {ends}: {link} Please do not share it.", "white space around it is trimmed");
        var riverside = book.FindService("riverside-gp")!;
        riverside.LinkMessage.ShouldBeNull("a service without wording of its own gets the standard text");
        riverside.FollowUpLinkMessage.ShouldBeNull();
    }

    [Fact]
    public void Null_wording_is_the_same_as_none()
    {
        SetWording("riverside-gp", "linkMessage", null);
        SetWording("riverside-gp", "followUpLinkMessage", null);

        var riverside = RuleBookLoader.Load(_rules.Directory).FindService("riverside-gp")!;

        riverside.LinkMessage.ShouldBeNull();
        riverside.FollowUpLinkMessage.ShouldBeNull();
    }

    [Theory]
    [InlineData("linkMessage")]
    [InlineData("followUpLinkMessage")]
    public void Wording_of_exactly_300_characters_loads(string key)
    {
        var wording = "{link} " + new string('x', 300 - 7);
        SetWording("riverside-gp", key, JsonValue.Create(wording));

        var riverside = RuleBookLoader.Load(_rules.Directory).FindService("riverside-gp")!;

        (key == "linkMessage" ? riverside.LinkMessage : riverside.FollowUpLinkMessage).ShouldBe(wording);
    }

    public static TheoryData<string, string, string, string> BadWording() => new()
    {
        // because, key, JSON value, reason
        { "no {link}", "linkMessage", "\"{service}: send us a request online.\"", "linkMessage must contain {link}, where the link goes." },
        { "no {link}", "followUpLinkMessage", "\"{service}: your link ends on {ends}.\"", "followUpLinkMessage must contain {link}, where the link goes." },
        { "{link} in the wrong case", "linkMessage", "\"Send us a request: {Link}\"", "linkMessage must contain {link}, where the link goes." },
        { "an unknown placeholder", "linkMessage", "\"Dear {name}, {link}\"", "linkMessage has {name}, which is not filled in; use {service}, {link}." },
        { "an unknown placeholder", "followUpLinkMessage", "\"Dear {name}, {link} until {ends}\"", "followUpLinkMessage has {name}, which is not filled in; use {service}, {link}, {ends}." },
        { "{ends} where a link never ends", "linkMessage", "\"{link} until {ends}\"", "linkMessage has {ends}, which is not filled in; use {service}, {link}." },
        { "empty braces", "linkMessage", "\"{link} {}\"", "linkMessage has {}, which is not filled in; use {service}, {link}." },
        { "empty", "linkMessage", "\"\"", "linkMessage must be text of 1 to 300 characters." },
        { "only spaces", "followUpLinkMessage", "\"   \"", "followUpLinkMessage must be text of 1 to 300 characters." },
        { "301 characters", "linkMessage", $"\"{{link}} {new string('x', 301 - 7)}\"", "linkMessage must be text of 1 to 300 characters." },
        { "301 characters", "followUpLinkMessage", $"\"{{link}} {new string('x', 301 - 7)}\"", "followUpLinkMessage must be text of 1 to 300 characters." },
        { "a number", "linkMessage", "42", "linkMessage must be text of 1 to 300 characters." },
        { "true", "followUpLinkMessage", "true", "followUpLinkMessage must be text of 1 to 300 characters." },
        { "a list", "linkMessage", "[\"{link}\"]", "linkMessage must be text of 1 to 300 characters." },
    };

    [Theory]
    [MemberData(nameof(BadWording))]
    public void Bad_wording_fails_load_naming_the_file_the_service_and_the_reason(string because, string key, string json, string reason)
    {
        SetWording("northside-community", key, JsonNode.Parse(json));

        var ex = Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(_rules.Directory), because);

        ex.File.ShouldBe("rules/services.json");
        ex.Rule.ShouldBe("northside-community");
        ex.Reason.ShouldBe(reason, because);
        ex.Message.ShouldBe($"rules/services.json, service 'northside-community': {reason}");
    }

    [Fact]
    public void Bad_wording_fails_the_hosted_start_up_check()
    {
        SetWording("hillview-mental-health", "followUpLinkMessage", JsonValue.Create("Hello {name}: {link}"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Directory"] = _rules.Directory }).Build();
        using var services = new ServiceCollection().AddRules(configuration).BuildServiceProvider();

        var ex = Should.Throw<RuleValidationException>(() => services.GetServices<IHostedService>().ToList());

        ex.Message.ShouldBe("rules/services.json, service 'hillview-mental-health': followUpLinkMessage has {name}, which is not filled in; use {service}, {link}, {ends}.");
    }

    private void SetWording(string serviceId, string key, JsonNode? value) =>
        _rules.EditJson("services.json", services => TempRules.Service(services, serviceId)[key] = value);
}
