using System.Text.Json.Nodes;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// The answers patients really text, posted to the signed webhook as Twilio posts them: choices by word,
/// forgiving dates and names, back and keep, the review's details in full, and every reply within 3 segments.
/// </summary>
public sealed class SmsPatientWordingTests(SmsHost sms) : IClassFixture<SmsHost>
{
    private static int _next = 300;

    /// <summary>A fresh sender for each conversation (they must not share one).</summary>
    private static string NewSender() => $"+447700900{Interlocked.Increment(ref _next):D3}";

    private async Task<List<string>> TextAsync(string from, params string[] bodies)
    {
        var replies = await sms.Twilio.TextAsync(from, SmsHost.Riverside, bodies);
        var texts = replies.Select(r => r.Message!).ToList();
        texts.ShouldAllBe(t => SmsText.CountSegments(t) <= 3);
        return texts;
    }

    [Theory]
    [InlineData("medical", "Medical request")]
    [InlineData("admin", "Admin request")]
    [InlineData("Fit note", "Admin request")]
    public async Task The_request_type_is_chosen_by_word(string answer, string label)
    {
        var from = NewSender();

        // The medical request asks about photos after the details; admin does not.
        string[] photos = label == "Medical request" ? ["no"] : [];
        var texts = await TextAsync(from, ["hi", "no", answer, "My question for the practice", .. photos, "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000"]);

        texts[2].ShouldStartWith("Tell us about your request");
        texts[^1].ShouldContain($"Request: {label}\n");
    }

    [Fact]
    public async Task An_answer_that_fits_no_choice_says_numbers_or_words_work()
    {
        var texts = await TextAsync(NewSender(), "hi", "no", "banana");

        texts[^1].ShouldStartWith("Sorry, we did not understand that. Reply with a number or the words, like 1 or Medical request.\n\nWhat is your request about?\n1. Medical request (a new or ongoing health problem)");
    }

    [Theory]
    [InlineData("22 10 2010")]
    [InlineData("22102010")]
    [InlineData("October 22 2010")]
    [InlineData("22-Oct-2010")]
    public async Task Dates_of_birth_are_read_as_people_text_them(string date)
    {
        var texts = await TextAsync(NewSender(), "hi", "no", "medical", "A rash on my arm for a week", "no", "me", "Jane", "Smith", date);

        texts[^1].ShouldStartWith("What is your gender?");
    }

    [Fact]
    public async Task A_month_not_recognised_is_said_in_the_services_voice()
    {
        var texts = await TextAsync(NewSender(), "hi", "no", "medical", "A rash on my arm for a week", "no", "me", "Jane", "Smith", "22 Octobre 2010");

        texts[^1].ShouldStartWith("We did not recognise the month.");
    }

    [Fact]
    public async Task A_full_name_as_the_first_name_is_offered_as_first_and_last_and_shown_in_title_case()
    {
        var from = NewSender();

        var texts = await TextAsync(from, "hi", "no", "medical", "A rash on my arm for a week", "no", "me", "jane smith");
        texts[^1].ShouldBe("Is Smith your last name?\n1. Yes\n2. No");
        texts = await TextAsync(from, "yes", "22/10/2010", "f", "LS1 6AE", "0113 496 0000");

        texts[^1].ShouldContain("Name: Jane Smith\n");
        var request = await sms.RequestFromReplyAsync((await TextAsync(from, "1"))[0]);
        (request.Patient.FirstName, request.Patient.LastName).ShouldBe(("jane", "smith"));
    }

    [Fact]
    public async Task Back_at_the_details_shows_them_a_stray_1_is_refused_and_keep_keeps_them()
    {
        var from = NewSender();
        await TextAsync(from, "hi", "no", "medical", "I have had a cough for two weeks");

        var texts = await TextAsync(from, "back", "1", "keep");

        texts[0].ShouldContain("You wrote: \"I have had a cough for two weeks\"\nReply keep to keep it, or send a new answer.");
        texts[1].ShouldStartWith("Please tell us a bit more, so we know what you need. Write at least 8 characters (yours has 1).");
        texts[2].ShouldStartWith("Do you want to add photos?");
        texts = await TextAsync(from, "no", "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000");
        texts[^1].ShouldContain("Details: I have had a cough for two weeks\n");
    }

    [Fact]
    public async Task Help_says_reply_not_type()
    {
        var texts = await TextAsync(NewSender(), "hi", "help");

        texts[^1].ShouldContain("To go to the last question, reply back. To start again, reply restart.");
        texts[^1].ShouldNotContain("Type");
    }

    [Fact]
    public async Task Details_over_the_limit_are_refused_saying_the_limit()
    {
        var texts = await TextAsync(NewSender(), "hi", "no", "medical", new string('a', 1200));

        texts[^1].ShouldStartWith("Please keep it to 1,000 characters or fewer. Yours has 1,200.");
    }

    [Fact]
    public async Task Short_details_are_shown_whole_in_the_review()
    {
        var details = "I have had a cough for two weeks. It is worse at night, and I cough up yellow phlegm. I have tried honey and lemon, and cough mixture from the chemist, but nothing helps.";
        var texts = await TextAsync(NewSender(), "hi", "no", "medical", details, "no", "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000");

        texts[^1].ShouldContain($"Details: {details}\n");
    }

    [Fact]
    public async Task Long_details_are_cut_in_the_review_with_a_count_and_details_sends_them_all_in_parts()
    {
        var details = string.Join(' ', Enumerable.Range(1, 120).Select(i => $"word{i}"));
        details.Length.ShouldBeGreaterThan(600);
        var from = NewSender();
        var texts = await TextAsync(from, "hi", "no", "medical", details, "no", "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000");

        var review = texts[^1];
        var cut = System.Text.RegularExpressions.Regex.Match(review, @"Details: (.+)\.\.\. \((\d+) more characters\. Reply details to see it all\.\)\n");
        cut.Success.ShouldBeTrue(review);
        details.ShouldStartWith(cut.Groups[1].Value);
        review.ShouldEndWith("1. Submit\n2. Change an answer");

        var parts = new List<string>();
        var first = (await TextAsync(from, "details"))[0];
        var total = int.Parse(System.Text.RegularExpressions.Regex.Match(first, @"part 1 of (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        total.ShouldBeGreaterThan(1);
        parts.Add(first);
        for (var part = 2; part <= total; part++)
        {
            parts.Add((await TextAsync(from, $"details {part}"))[0]);
        }

        var shown = parts.Select((p, i) => System.Text.RegularExpressions.Regex.Match(p, $@"^Your details, part {i + 1} of {total}:\n(.*)\n(?:Reply details {i + 2} for the next part, 1 to submit, or 2 to change an answer\.|Reply 1 to submit, or 2 to change an answer\.)\n1\. Submit\n2\. Change an answer$", System.Text.RegularExpressions.RegexOptions.Singleline)).ToList();
        shown.ShouldAllBe(m => m.Success);
        string.Join(' ', shown.Select(m => m.Groups[1].Value)).ShouldBe(details, "The parts together are the whole details.");

        var submitted = await TextAsync(from, "1");
        (await sms.RequestFromReplyAsync(submitted[0])).Details.ShouldBe(details);
    }

    [Fact]
    public async Task A_services_own_welcome_and_confirmation_sentence_are_used_and_the_safety_lines_stay()
    {
        var rules = Path.Combine(Path.GetTempPath(), "pc-rules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "rules"), "*.json"))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)));
        }

        var services = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(rules, "services.json")))!;
        var riverside = services["services"]!.AsArray().First(s => s!["id"]!.GetValue<string>() == "riverside-gp")!;
        riverside["welcomeMessage"] = "Hello from {service}. Send us a request that is not urgent.";
        riverside["confirmationMessage"] = "A member of our team reads every request.";
        await File.WriteAllTextAsync(Path.Combine(rules, "services.json"), services.ToJsonString());
        var token = TwilioSms.NewAuthToken();
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Twilio:AuthToken"] = token, ["Rules:Directory"] = rules });
        var twilio = new TwilioSms(host, token);

        var replies = (await twilio.TextAsync("+447700900399", SmsHost.Riverside,
            "hi", "no", "medical", "A rash on my arm for a week", "no", "me", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "0113 496 0000", "submit")).Select(r => r.Message!).ToList();

        replies[0].ShouldStartWith("Hello from Riverside GP Practice. Send us a request that is not urgent.\n\nIs this an emergency?");
        replies[^1].ShouldContain("A member of our team reads every request.");
        replies[^1].ShouldContain("Your reference is ");
        replies[^1].ShouldContain("999", customMessage: "The service's sentence is added to the confirmation; it never replaces its safety lines.");
        Directory.Delete(rules, recursive: true);
    }
}
