using System.Globalization;
using System.Text.Json;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;
using Xunit.Abstractions;

namespace PatientContact.Conversation.Tests.Wording;

/// <summary>
/// Every message a patient can be sent, from the conversation's steps (walked through the engine with right and
/// wrong answers on each channel, and every question asked directly) and from the rule files, measured with a
/// simple Flesch-Kincaid count. Any over reading age 11 fails the test unless a reason is recorded below.
/// The figures are in docs/reading-age.md.
/// </summary>
public sealed class ReadingAgeTests(ITestOutputHelper output)
{
    public const double MaxReadingAge = 11;

    /// <summary>Messages allowed over the limit, by how they start, and why.</summary>
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["Parent or guardian\nCarer"] = "A list of choices: labels of one or two words, with no sentence around the longer ones (guardian, professional); each is the plain word for it.",
        ["Medical request (a new or ongoing health problem)\n"] = "A list of choices: short labels whose examples are the words on the NHS's own pages (prescriptions, conditions).",
        ["Feeling worse or finding it hard to cope\n"] = "A list of choices: short labels whose examples (medication, appointment, prescriptions) are the words patients use for them.",
        ["{service}: your prescription for request"] = "A staff reply template at 11.0: \"prescription\" and \"pharmacy\" are the words on the bag and the shop.",
        ["Call 999 now if someone is unconscious"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): names signs a patient must recognise (unconscious, collapsed, a fit, with \"seizure\" beside it).",
        ["Sepsis is when an infection"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): \"sepsis\" and \"infection\" are explained, not avoided: they are the words patients hear.",
        ["Call 999 now if someone has swallowed something harmful"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): names what is swallowed (medicine, bleach, a button battery) so it is recognised.",
        ["If you might act on thoughts of ending your life"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): the crisis sentence keeps the thought and the action (999, A&E) together.",
        ["If you are pregnant and bleeding"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): \"maternity unit\" and \"early pregnancy unit\" are the names of the places to call.",
        ["Stopping some medicines suddenly"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): \"medicines\" and \"suddenly\" are the plain words; the count weighs their syllables.",
        ["If voices or beliefs are telling you"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): names the experience (voices, beliefs) and the danger in one sentence with the action.",
        ["If you have hurt yourself and the injury is serious"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): one sentence keeps the harm and the action (999, A&E) together.",
        ["After a head injury"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): names the signs after a head injury (knocked out, sick, confused, sleepy, a fit) in one list.",
        ["Call 999 now for a sudden, very bad headache"] = "Red-flag advice (clinical safety wording, changed only with the red-flag rules' review): names the signs of a dangerous headache (stiff neck, confusion, weakness, a fit) in one list.",
    };

    [Fact]
    public async Task Every_patient_message_reads_at_age_11_or_under_or_has_a_recorded_reason()
    {
        var messages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in await FromTheStepsAsync())
        {
            messages.Add(text);
        }

        foreach (var text in FromTheRuleFiles())
        {
            messages.Add(text);
        }

        var measured = messages
            .Select(m => (Text: m, FleschKincaid.Count(m).Words, Age: FleschKincaid.ReadingAge(m)))
            .Where(m => m.Words >= FleschKincaid.MinWords)
            .OrderByDescending(m => m.Age)
            .ToList();
        measured.Count.ShouldBeGreaterThan(80, "The walk reached the messages of every step.");

        var ages = measured.Select(m => m.Age).Order().ToList();
        var median = ages.Count % 2 == 1 ? ages[ages.Count / 2] : (ages[(ages.Count / 2) - 1] + ages[ages.Count / 2]) / 2;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{measured.Count} messages of {FleschKincaid.MinWords} words or more ({messages.Count - measured.Count} shorter ones not measured); reading age median {median:0.0}, worst {ages[^1]:0.0}."));
        var over = measured.Where(m => m.Age > MaxReadingAge).ToList();
        foreach (var (text, _, age) in over)
        {
            var reason = Reasons.FirstOrDefault(r => text.StartsWith(r.Key, StringComparison.Ordinal)).Value;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{age,5:0.0}  {(reason is null ? "NO REASON" : "reason: " + reason)}  {text.ReplaceLineEndings(" / ")}"));
        }

        over.Where(m => !Reasons.Keys.Any(k => m.Text.StartsWith(k, StringComparison.Ordinal)))
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Age:0.0}: {m.Text}"))
            .ShouldBeEmpty("These messages read above age 11 with no recorded reason: reword them, or record why in ReadingAgeTests.Reasons.");
    }

    [Theory]
    [InlineData("cat", 1)]
    [InlineData("table", 2)]
    [InlineData("emergency", 4)]
    [InlineData("prescriptions", 3)]
    [InlineData("you're", 1)]
    public void Syllables_are_counted_by_vowel_groups(string word, int syllables)
    {
        FleschKincaid.Syllables(word).ShouldBe(syllables);
    }

    [Fact]
    public void Plain_words_read_younger_than_long_ones()
    {
        FleschKincaid.ReadingAge("Is this an emergency? Call 999 now if so.").ShouldBeLessThan(
            FleschKincaid.ReadingAge("Administrative correspondence necessitates comprehensive documentation regarding circumstances."));
        FleschKincaid.Count("Call 999 or go to 111.nhs.uk now. Your reference is ABCD-EFGH.").ShouldBe((8, 2, 10));
    }

    /// <summary>What the engine says on walks with right and wrong answers, on web chat and by SMS, at each service type.</summary>
    private static async Task<IEnumerable<string>> FromTheStepsAsync()
    {
        var said = new List<string>();
        using (var harness = new EngineHarness())
        {
            async Task WalkAsync(string serviceId, Channel channel, params string[] answers)
            {
                var patient = await harness.Patient(serviceId, channel, channel == Channel.Sms ? "+447700900555" : null).OpenAsync();
                Collect(patient);
                foreach (var answer in answers)
                {
                    await patient.SayAsync(answer == "{code}" ? await harness.LastCodeSentToAsync(Walks.JanePhone) : answer);
                    Collect(patient);
                }
            }

            void Collect(PatientSession patient)
            {
                foreach (var reply in patient.Last!.Replies)
                {
                    said.Add(reply.Text);
                    if (reply.Choices.Count > 0)
                    {
                        said.Add(string.Join('\n', reply.Choices.Select(c => c.Label)));
                    }
                }
            }

            foreach (var channel in new[] { Channel.WebChat, Channel.Sms })
            {
                await WalkAsync("riverside-gp", channel,
                    "maybe", "back", "help", "no", "banana", "request", "medical", "1", "I have had a cough for two weeks",
                    "back", "keep", "perhaps", "me", "j4ne", "Jane Smith", "no", "Smith", "next tuesday", "32/01/2001", "1/1/3000",
                    "10/22/2010", "22 Octobre 2010", "22/10/10", "1/1/1800", "22/10/2010", "x", "f", "zz", "LS1 6AE", "12", "+1 202 555 0100",
                    "0909 879 0000", "07700 900123", "maybe", "yes", "111", "12345", "resend", "{code}", "maybe", "1",
                    ReviewText.DetailsWord, "maybe", "2", "maybe", "name", "postcode", "LS1 6AE", "submit");
                await WalkAsync("hillview-mental-health", channel,
                    "no", "question", "struggling", string.Join(' ', Enumerable.Repeat("I have been feeling low and anxious for weeks.", 18)),
                    "someone else", "Sam Smith", "x", "my mum", "Jane", "Smith", "22/10/2010", "f", "LS1 6AE", "07700 900123", "no", "1",
                    ReviewText.DetailsWord, $"{ReviewText.DetailsWord} 2", "help", "1");
                await WalkAsync("northside-community", channel, "yes");
                await WalkAsync("riverside-gp", channel, "no", "advice");
                await WalkAsync("riverside-gp", channel, "no", "medical", "I have crushing chest pain and I can't breathe", "maybe", "1", "1");
                await WalkAsync("riverside-gp", channel, "no", "medical", new string('a', 1200), new string('a', 5000));
            }

            var idle = await harness.Patient().OpenAsync();
            harness.Clock.Advance(harness.Options.IdleTimeout + TimeSpan.FromMinutes(1));
            await idle.SayAsync("no");
            Collect(idle);
        }

        // Closed: the example rule set outside its opening hours (Monday 07:30 in London).
        using (var closed = new EngineHarness(RepoPaths.Examples("opening-hours-and-capacity"), new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.Zero)))
        {
            var patient = await closed.Patient("weekday-gp").OpenAsync();
            said.AddRange(patient.Last!.Replies.Select(r => r.Text));
        }

        said.AddRange(EveryQuestion());
        said.AddRange([TwilioMedia.NotFetched, PhotosStep.NotNow, PhotosStep.CannotTake, SmsConversation.UnknownNumber, SmsConversation.TryAgain]);
        said.AddRange(Enum.GetValues<CodeSendRefusal>().Select(CodeSendLimiter.Explain));
        return said;
    }

    /// <summary>Every step's question, asked directly for someone asking for themselves and for someone else, on each channel and at each service.</summary>
    private static IEnumerable<string> EveryQuestion()
    {
        var book = RuleBookLoader.Load(RepoPaths.Rules);
        foreach (var service in book.Services)
        {
            var types = book.GetRequestTypesAsync(service, Rules.Channels.WebChat, DateTimeOffset.UnixEpoch).AsTask().GetAwaiter().GetResult();
            foreach (var type in types)
            {
                foreach (var proxy in new[] { SubmitterKind.Self, SubmitterKind.Proxy })
                {
                    foreach (var channel in new[] { Channel.WebChat, Channel.Sms })
                    {
                        var session = FilledSession(types, type, proxy, channel);
                        foreach (var step in Enum.GetValues<Step>().Where(s => s is not (Step.Welcome or Step.Expired)))
                        {
                            yield return Questions.Ask(step, session, service).Text;
                        }

                        session.Answers.SuggestedLastName = "Smith";
                        yield return Questions.Ask(Step.LastName, session, service).Text;
                    }
                }
            }

            yield return WelcomeStep.Message(service);
            yield return Questions.Help(service);
            yield return Questions.Strikes(service);
            yield return LinkEndedStep.Message(service, "https://contact.example.nhs.uk");
        }
    }

    private static IntakeSession FilledSession(IReadOnlyList<RequestTypeOption> types, RequestTypeOption type, SubmitterKind proxy, Channel channel) => new()
    {
        Channel = channel,
        OfferedTypes = [.. types],
        ReferenceId = "ABCD-EFGH",
        FollowUp = new FollowUpState { LinkId = "link", Stage = FollowUpStage.Offered, OfferedFirstName = "Jane", OfferedLastName = "Smith", OfferedPhone = Walks.JanePhone },
        Answers = new Answers
        {
            RequestTypeId = type.Id,
            RequestTypeLabel = type.Label,
            Details = "I have had a cough for two weeks.",
            RedFlags = [new RedFlagMatch("chest-pain", "emergency", "Call 999 now if you have chest pain.")],
            Proxy = proxy,
            ProxyName = "Sam Smith",
            ProxyRelationship = Relationship.ParentOrGuardian,
            FirstName = "Jane",
            LastName = "Smith",
            DateOfBirth = new DateOnly(2010, 10, 22),
            Gender = Gender.Female,
            Postcode = "LS1 6AE",
            Phone = Walks.JanePhone,
            PhoneIsMobile = true,
            ContactPreference = ContactPreference.Text,
        },
    };

    /// <summary>The patient-facing wording in every rule file (the app's and the examples'): labels, examples, questions, advice, messages.</summary>
    private static IEnumerable<string> FromTheRuleFiles()
    {
        string[] notForPatients = ["id", "kind", "adviceUrl", "synonyms", "severity", "reopens", "reason"];
        var files = Directory.GetFiles(RepoPaths.Rules, "*.json", SearchOption.AllDirectories);
        files.Length.ShouldBeGreaterThan(4);
        foreach (var file in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (json.RootElement.TryGetProperty("Rules", out var rules) && rules.ValueKind == JsonValueKind.Array)
            {
                foreach (var rule in rules.EnumerateArray())
                {
                    if (!rule.TryGetProperty("Properties", out var properties))
                    {
                        continue;
                    }

                    foreach (var property in properties.EnumerateObject())
                    {
                        if (property.Value.ValueKind == JsonValueKind.String && !notForPatients.Contains(property.Name))
                        {
                            yield return property.Value.GetString()!;
                        }
                    }
                }
            }
            else if (Path.GetFileName(file) == "reply-templates.json")
            {
                // The texts staff send to patients: every template's "text".
                foreach (var list in json.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
                {
                    foreach (var template in list.Value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("text", out _)))
                    {
                        yield return template.GetProperty("text").GetString() ?? string.Empty;
                    }
                }
            }
            else if (json.RootElement.TryGetProperty("services", out var services) && services.ValueKind == JsonValueKind.Array)
            {
                foreach (var service in services.EnumerateArray())
                {
                    foreach (var property in service.EnumerateObject().Where(p => p.Name.EndsWith("Message", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String))
                    {
                        yield return property.Value.GetString()!;
                    }
                }
            }
        }
    }
}
