using System.Text.Json.Nodes;

namespace PatientContact.Rules.Tests;

public sealed class BrokenRuleFileTests : IDisposable
{
    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Invalid_json_fails_load_naming_file_and_line()
    {
        _rules.Replace("request-types.json", "\"RuleName\": \"flare-up\",", "\"RuleName\": \"flare-up\"");

        var ex = Load();

        ex.File.ShouldBe("rules/request-types.json");
        ex.Rule.ShouldBeNull();
        ex.Reason.ShouldStartWith("Invalid JSON at line 20");
        ex.Message.ShouldStartWith("rules/request-types.json: Invalid JSON at line 20");
    }

    [Fact]
    public void Broken_expression_fails_load_naming_file_and_rule()
    {
        _rules.Replace("request-types.json", "\"Expression\": \"input.ServiceType == \\\"gp-practice\\\"\"", "\"Expression\": \"input.ServiceTyp == \\\"gp-practice\\\"\"");

        var ex = Load();

        ex.Message.ShouldBe("rules/request-types.json, rule 'medical-request': Expression is invalid: No property or field 'ServiceTyp' exists in type 'RequestTypeInput'");
        ex.File.ShouldBe("rules/request-types.json");
        ex.Rule.ShouldBe("medical-request");
        ex.Reason.ShouldStartWith("Expression is invalid:");
    }

    [Fact]
    public void Expression_that_is_not_true_or_false_fails_load()
    {
        EditRule("availability.json", "daily-capacity-reached", rule => rule["Expression"] = "input.RequestsToday");

        var ex = Load();

        ex.Rule.ShouldBe("daily-capacity-reached");
        ex.Reason.ShouldContain("Boolean");
    }

    [Fact]
    public void Expression_that_throws_on_a_sample_input_fails_load_naming_the_rule()
    {
        EditRule("red-flags.json", "self-harm", rule => rule["Expression"] = "input.Details.Substring(5000) == \"x\"");

        var ex = Load();

        ex.File.ShouldBe("rules/red-flags.json");
        ex.Rule.ShouldBe("self-harm");
        ex.Reason.ShouldStartWith("Expression failed when tried at load:");
    }

    [Fact]
    public void Empty_phrase_in_a_red_flag_fails_load_naming_the_rule()
    {
        EditRule("red-flags.json", "chest-pain", rule => rule["Expression"] = "Text.ContainsAny(input.Details, \"chest pain||tight chest\")");

        var ex = Load();

        ex.Rule.ShouldBe("chest-pain");
        ex.Reason.ShouldContain("empty phrase");
    }

    [Theory]
    [InlineData("SuccessMessage")]
    [InlineData("ruleName")]
    [InlineData("Expresion")]
    public void Unknown_rule_key_fails_load_naming_the_key(string key)
    {
        EditRule("request-types.json", "admin-request", rule => rule[key] = "x");

        var ex = Load();

        ex.File.ShouldBe("rules/request-types.json");
        ex.Rule.ShouldBe("admin-request");
        ex.Reason.ShouldStartWith($"Unknown key '{key}'; expected one of RuleName,");
    }

    [Fact]
    public void Unknown_key_in_a_nested_parameter_fails_load()
    {
        EditRule("request-types.json", "admin-request", rule => rule["LocalParams"] = new JsonArray(new JsonObject { ["Name"] = "x", ["Expresion"] = "1" }));

        var ex = Load();

        ex.Rule.ShouldBe("admin-request");
        ex.Reason.ShouldStartWith("Unknown key 'Expresion' in LocalParams; expected one of Name, Expression");
    }

    [Fact]
    public void Unknown_workflow_key_fails_load()
    {
        _rules.EditJson("availability.json", workflow => workflow["Rule"] = new JsonArray());

        var ex = Load();

        ex.File.ShouldBe("rules/availability.json");
        ex.Rule.ShouldBeNull();
        ex.Reason.ShouldStartWith("Unknown key 'Rule'");
    }

    [Fact]
    public void Duplicate_request_type_id_fails_load()
    {
        EditRule("request-types.json", "nhs-advice-online", rule => rule["Properties"]!["id"] = "admin-request");

        var ex = Load();

        ex.Rule.ShouldBe("nhs-advice-online");
        ex.Reason.ShouldBe("Property 'id' is 'admin-request', already the id of rule 'admin-request'.");
    }

    [Fact]
    public void Photos_given_as_a_string_fails_load_naming_the_rule()
    {
        EditRule("request-types.json", "flare-up", rule => rule["Properties"]!["photos"] = "yes");

        var ex = Load();

        ex.Rule.ShouldBe("flare-up");
        ex.Reason.ShouldBe("Property 'photos' must be true or false (without quotes).");
    }

    [Fact]
    public async Task Photos_true_on_a_request_type_loads_as_allowing_photos()
    {
        EditRule("request-types.json", "admin-request", rule => rule["Properties"]!["photos"] = true);

        var book = RuleBookLoader.Load(_rules.Directory);
        var types = await book.GetRequestTypesAsync(book.FindService("riverside-gp")!, Channels.WebChat, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

        types.Where(t => t.Photos).Select(t => t.Id).ShouldBe(["medical-request", "admin-request"]);
    }

    [Fact]
    public void Photos_on_advice_fails_load()
    {
        EditRule("request-types.json", "nhs-advice-online", rule => rule["Properties"]!["photos"] = true);

        var ex = Load();

        ex.Rule.ShouldBe("nhs-advice-online");
        ex.Reason.ShouldContain("only for kind \"request\"");
    }

    [Fact]
    public void Duplicate_rule_name_fails_load()
    {
        EditRule("request-types.json", "nhs-advice-online", rule => rule["RuleName"] = "admin-request");

        var ex = Load();

        ex.Rule.ShouldBe("admin-request");
        ex.Reason.ShouldContain("same RuleName");
    }

    [Fact]
    public void Missing_label_fails_load()
    {
        EditRule("request-types.json", "flare-up", rule => rule["Properties"]!.AsObject().Remove("label"));

        var ex = Load();

        ex.Message.ShouldBe("rules/request-types.json, rule 'flare-up': Property 'label' is missing or empty.");
    }

    [Fact]
    public void Misspelt_property_fails_load()
    {
        EditRule("request-types.json", "flare-up", rule =>
        {
            var properties = rule["Properties"]!.AsObject();
            properties.Remove("label");
            properties["lable"] = "Flare-up";
        });

        var ex = Load();

        ex.Reason.ShouldBe("Unknown property 'lable'; expected one of id, label, kind, adviceUrl, clinical, examples, synonyms, detailsPrompt, photos.");
    }

    [Theory]
    [InlineData("kind", "question", "Property 'kind' is 'question'; expected one of request, advice.")]
    [InlineData("adviceUrl", "", "Advice needs property 'adviceUrl', the page patients are sent to.")]
    [InlineData("adviceUrl", "http://111.nhs.uk/", "Property 'adviceUrl' is 'http://111.nhs.uk/'; it must be an absolute https:// address.")]
    [InlineData("id", "NHS Advice", "Property 'id' is 'NHS Advice'; it must be lower-case letters, digits and hyphens.")]
    public void Bad_request_type_property_fails_load(string key, string value, string reason)
    {
        EditRule("request-types.json", "nhs-advice-online", rule => rule["Properties"]![key] = value);

        var ex = Load();

        ex.Rule.ShouldBe("nhs-advice-online");
        ex.Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("synonyms", "\"doctor\"", "Property 'synonyms' must be a list of words, like [\"doctor\", \"gp\"].")]
    [InlineData("synonyms", "[\"doctor\", \"\"]", "Property 'synonyms' must hold only words (non-empty strings).")]
    [InlineData("synonyms", "[\"doctor\", 3]", "Property 'synonyms' must hold only words (non-empty strings).")]
    [InlineData("examples", "\"letters (and forms)\"", "Property 'examples' must be a few words without brackets, like \"fit notes, letters\".")]
    [InlineData("detailsPrompt", "\"\"", "Property 'detailsPrompt' must be a question of 1 to 200 characters.")]
    [InlineData("label", "[\"Admin\"]", "Property 'label' must be a string.")]
    public void Bad_wording_of_a_request_type_fails_load(string key, string json, string reason)
    {
        EditRule("request-types.json", "admin-request", rule => rule["Properties"]![key] = JsonNode.Parse(json));

        var ex = Load();

        ex.Rule.ShouldBe("admin-request");
        ex.Reason.ShouldBe(reason);
    }

    [Fact]
    public void A_details_question_on_advice_fails_load()
    {
        EditRule("request-types.json", "nhs-advice-online", rule => rule["Properties"]!["detailsPrompt"] = "What do you need?");

        Load().Reason.ShouldBe("Property 'detailsPrompt' is only for kind \"request\": advice asks no details.");
    }

    [Fact]
    public void Advice_url_on_a_request_fails_load()
    {
        EditRule("request-types.json", "admin-request", rule => rule["Properties"]!["adviceUrl"] = "https://www.nhs.uk/");

        Load().Reason.ShouldBe("Property 'adviceUrl' is only for kind \"advice\".");
    }

    [Fact]
    public void Emergency_advice_without_999_fails_load()
    {
        EditRule("red-flags.json", "chest-pain", rule => rule["Properties"]!["advice"] = "Chest pain can be serious. Please see your GP.");

        var ex = Load();

        ex.Rule.ShouldBe("chest-pain");
        ex.Reason.ShouldBe("An emergency rule's advice must tell the patient to call 999.");
    }

    [Fact]
    public void Advice_offering_111_online_without_the_under_5_line_fails_load()
    {
        EditRule("red-flags.json", "short-of-breath", rule => rule["Properties"]!["advice"] = "If you are short of breath, go to 111.nhs.uk now.");

        Load().Reason.ShouldStartWith("Advice that offers 111.nhs.uk must say that for a child under 5 you call 111");
    }

    [Fact]
    public void Advice_too_long_for_one_text_fails_load()
    {
        EditRule("red-flags.json", "chest-pain", rule => rule["Properties"]!["advice"] = "Call 999 now. " + new string('x', 160));

        Load().Reason.ShouldStartWith("Property 'advice' has 174 characters; keep it to 160");
    }

    [Fact]
    public void Unknown_topic_fails_load()
    {
        EditRule("red-flags.json", "self-harm", rule => rule["Properties"]!["topic"] = "mental");

        Load().Reason.ShouldBe("Property 'topic' is 'mental'; expected one of physical, mental-health.");
    }

    [Fact]
    public void Mental_health_trust_without_a_crisis_line_fails_load()
    {
        _rules.EditJson("services.json", services => TempRules.Service(services, "hillview-mental-health").Remove("crisisLine"));

        var ex = Load();

        ex.Rule.ShouldBe("hillview-mental-health");
        ex.Reason.ShouldStartWith("crisisLine is required for a mental-health-trust");
    }

    [Theory]
    [InlineData(null, "responsePromise is missing")]
    [InlineData("Within 2 working days.", "responsePromise must be words of up to 60 characters")]
    [InlineData("{later}", "responsePromise must be words of up to 60 characters")]
    public void Service_without_a_sensible_response_promise_fails_load(string? promise, string reason)
    {
        _rules.EditJson("services.json", services =>
        {
            var service = TempRules.Service(services, "riverside-gp");
            service.Remove("responsePromise");
            if (promise is not null)
            {
                service["responsePromise"] = promise;
            }
        });

        var ex = Load();

        ex.Rule.ShouldBe("riverside-gp");
        ex.Reason.ShouldStartWith(reason);
    }

    [Fact]
    public void Unknown_severity_fails_load()
    {
        EditRule("red-flags.json", "self-harm", rule => rule["Properties"]!["severity"] = "high");

        var ex = Load();

        ex.Rule.ShouldBe("self-harm");
        ex.Reason.ShouldBe("Property 'severity' is 'high'; expected one of emergency, urgent.");
    }

    [Fact]
    public void Unknown_placeholder_in_a_closed_message_fails_load()
    {
        EditRule("availability.json", "outside-opening-hours", rule => rule["Properties"]!["message"] = "Closed until {opensAt}.");

        var ex = Load();

        ex.Rule.ShouldBe("outside-opening-hours");
        ex.Reason.ShouldContain("unknown placeholder");
    }

    [Fact]
    public void Expression_type_other_than_lambda_fails_load()
    {
        EditRule("availability.json", "outside-opening-hours", rule => rule["RuleExpressionType"] = "Lambda");

        Load().Reason.ShouldBe("RuleExpressionType must be \"LambdaExpression\", not \"Lambda\".");
    }

    [Fact]
    public void Missing_file_fails_load()
    {
        _rules.Delete("red-flags.json");

        Load().Message.ShouldBe("rules/red-flags.json: The file is missing.");
    }

    [Fact]
    public void Unexpected_file_fails_load()
    {
        _rules.Write("request-type.json", "{}");

        var ex = Load();

        ex.File.ShouldBe("rules/request-type.json");
        ex.Reason.ShouldStartWith("Unknown rule file");
    }

    [Fact]
    public void Files_in_sub_folders_are_not_read()
    {
        Directory.CreateDirectory(Path.Combine(_rules.Directory, "examples"));
        File.WriteAllText(Path.Combine(_rules.Directory, "examples", "broken.json"), "{");

        Should.NotThrow(() => RuleBookLoader.Load(_rules.Directory));
    }

    [Fact]
    public void Same_workflow_name_in_two_files_fails_load()
    {
        _rules.EditJson("red-flags.json", workflow => workflow["WorkflowName"] = "Availability");

        var ex = Load();

        ex.File.ShouldBe("rules/red-flags.json");
        ex.Reason.ShouldContain("rules/availability.json");
    }

    [Theory]
    [InlineData("openingHour", "[]", "Unknown key 'openingHour'; expected one of id, name, type, odsCode, smsNumbers, phoneNumber, openingHours, dailyCapacity, responsePromise, crisisLine, linkMessage, followUpLinkMessage, dutyAlertNumber, welcomeMessage, confirmationMessage.")]
    [InlineData("dutyAlertNumber", "\"07700900999\"", "dutyAlertNumber '07700900999' must be a UK mobile in E.164 form like \"+447700900999\", or null.")]
    [InlineData("dutyAlertNumber", "\"+441134960001\"", "dutyAlertNumber '+441134960001' must be a UK mobile in E.164 form like \"+447700900999\", or null.")]
    [InlineData("smsNumbers", "[]", "dutyAlertNumber needs the service to have an SMS number (smsNumbers) for the alert to be sent from.")]
    [InlineData("type", "\"hospital\"", "Unknown type 'hospital'; expected one of gp-practice, community-trust, mental-health-trust.")]
    [InlineData("smsNumbers", "[\"07700900001\"]", "SMS number '07700900001' is not in E.164 form like \"+447700900001\".")]
    [InlineData("dailyCapacity", "0", "dailyCapacity must be a whole number of at least 1, or null for no limit.")]
    [InlineData("name", "\"\"", "'name' is missing or empty.")]
    [InlineData("openingHours", "[{\"days\":[\"Monday\"],\"opens\":\"08:00\",\"closes\":\"25:00\"}]", "openingHours: closes '25:00' is not a time like \"18:30\" or \"24:00\".")]
    [InlineData("openingHours", "[{\"days\":[\"Monday\"],\"opens\":\"18:00\",\"closes\":\"08:00\"}]", "openingHours: closes 08:00 is not after opens 18:00 (split a window that runs past midnight in two).")]
    [InlineData("openingHours", "[{\"days\":[\"Mon\"],\"opens\":\"08:00\",\"closes\":\"18:00\"}]", "'Mon' in openingHours is not a day name like \"Monday\".")]
    [InlineData("openingHours", "[{\"days\":[\"Monday\"],\"opens\":\"08:00\",\"closes\":\"12:00\"},{\"days\":[\"Monday\"],\"opens\":\"11:00\",\"closes\":\"18:00\"}]", "Opening windows overlap on Monday.")]
    [InlineData("openingHours", "[{\"days\":[\"Monday\"],\"open\":\"08:00\",\"closes\":\"18:00\"}]", "Unknown key 'open' in openingHours; expected one of days, opens, closes.")]
    public void Bad_service_fails_load_naming_the_service(string key, string json, string reason)
    {
        _rules.EditJson("services.json", services => TempRules.Service(services, "riverside-gp")[key] = JsonNode.Parse(json));

        var ex = Load();

        ex.File.ShouldBe("rules/services.json");
        ex.Rule.ShouldBe("riverside-gp");
        ex.Reason.ShouldBe(reason);
        ex.Message.ShouldBe($"rules/services.json, service 'riverside-gp': {reason}");
    }

    [Fact]
    public void Sms_number_used_by_two_services_fails_load_naming_the_second()
    {
        _rules.EditJson("services.json", services => TempRules.Service(services, "hillview-mental-health")["smsNumbers"] = new JsonArray("+447700900001"));

        var ex = Load();

        ex.Rule.ShouldBe("hillview-mental-health");
        ex.Reason.ShouldBe("SMS number +447700900001 is already used by service 'riverside-gp'.");
    }

    [Fact]
    public void Duplicate_service_id_fails_load()
    {
        _rules.EditJson("services.json", services =>
        {
            var copy = TempRules.Service(services, "northside-community").DeepClone().AsObject();
            copy["smsNumbers"] = new JsonArray();
            services["services"]!.AsArray().Add(copy);
        });

        var ex = Load();

        ex.Rule.ShouldBe("northside-community");
        ex.Reason.ShouldBe("The id is used by another service.");
    }

    [Fact]
    public void Missing_folder_fails_load()
    {
        var ex = Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(Path.Combine(_rules.Directory, "nowhere")));

        ex.Reason.ShouldContain("does not exist");
    }

    private RuleValidationException Load() => Should.Throw<RuleValidationException>(() => RuleBookLoader.Load(_rules.Directory));

    private void EditRule(string file, string ruleName, Action<JsonObject> edit) =>
        _rules.EditJson(file, workflow => edit(TempRules.Rule(workflow, ruleName)));
}
