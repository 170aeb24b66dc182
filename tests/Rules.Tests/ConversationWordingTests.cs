using System.Text.Json.Nodes;

namespace PatientContact.Rules.Tests;

/// <summary>
/// A service's own welcome (<c>welcomeMessage</c>) and the sentence it adds to the confirmation
/// (<c>confirmationMessage</c>) in services.json: loaded when right, refused at load naming the service when not.
/// </summary>
public sealed class ConversationWordingTests : IDisposable
{
    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void A_services_own_welcome_and_confirmation_sentence_are_loaded_trimmed()
    {
        SetWording("riverside-gp", "welcomeMessage", JsonValue.Create("  Hello from {service}. Tell us what you need, and we will get back to you.  "));
        SetWording("riverside-gp", "confirmationMessage", JsonValue.Create("A member of our team reads every request."));

        var book = RuleBookLoader.Load(_rules.Directory);

        var riverside = book.FindService("riverside-gp")!;
        riverside.WelcomeMessage.ShouldBe("Hello from {service}. Tell us what you need, and we will get back to you.");
        riverside.ConfirmationMessage.ShouldBe("A member of our team reads every request.");
        var northside = book.FindService("northside-community")!;
        northside.WelcomeMessage.ShouldBeNull("a service without wording of its own gets the standard welcome");
        northside.ConfirmationMessage.ShouldBeNull();
    }

    public static TheoryData<string, string, string> BadWording() => new()
    {
        // key, JSON value, reason
        { "welcomeMessage", "\"\"", "welcomeMessage must be text of 1 to 200 characters." },
        { "welcomeMessage", $"\"{new string('x', 201)}\"", "welcomeMessage must be text of 1 to 200 characters." },
        { "welcomeMessage", "42", "welcomeMessage must be text of 1 to 200 characters." },
        { "welcomeMessage", "\"Hello {name}\"", "welcomeMessage has {name}, which is not filled in; use {service}." },
        { "welcomeMessage", "\"Hello\\nthere\"", "welcomeMessage must be plain text on one line (no line breaks or markup)." },
        { "confirmationMessage", $"\"{new string('x', 161)}\"", "confirmationMessage must be text of 1 to 160 characters." },
        { "confirmationMessage", "\"<b>Thanks</b>\"", "confirmationMessage must be plain text on one line (no line breaks or markup)." },
        { "confirmationMessage", "\"Your reference is {reference}\"", "confirmationMessage has {reference}, which is not filled in; use {service}." },
    };

    [Theory]
    [MemberData(nameof(BadWording))]
    public void Bad_wording_fails_load_naming_the_file_the_service_and_the_reason(string key, string json, string reason)
    {
        SetWording("northside-community", key, JsonNode.Parse(json));

        var ex = Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(_rules.Directory));

        ex.File.ShouldBe("rules/services.json");
        ex.Rule.ShouldBe("northside-community");
        ex.Reason.ShouldBe(reason);
    }

    private void SetWording(string serviceId, string key, JsonNode? value) =>
        _rules.EditJson("services.json", services => TempRules.Service(services, serviceId)[key] = value);
}
