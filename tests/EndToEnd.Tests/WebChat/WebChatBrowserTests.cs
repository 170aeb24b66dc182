using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using static Microsoft.Playwright.Assertions;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>The browser test classes: run one after another in one shared Chromium, so browsers never compete for 2 cores.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Web chat in a browser";
}

/// <summary>
/// Patients using the real Web Chat widget on the link page, in headless Debian Chromium, against
/// the real service on loopback: the whole conversation over both transports, by button and by
/// typing, back and change-from-review, an expired token and a restart.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebChatBrowserTests(BrowserFixture browser)
{
    private const string Details = "I have had a cough for two weeks and it is not getting better.";

    [Fact]
    public async Task Patient_reaches_a_reference_id_by_polling_pressing_the_buttons()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var chat = await BrowserChat.OpenAsync(browser, host, polling: true);

        (await chat.ChoicesAsync()).ShouldBe(["No, it's not an emergency", "Yes, it's an emergency"]);
        (await chat.BotMessages.First.InnerTextAsync()).ShouldStartWith("Welcome to Riverside GP Practice.");
        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        (await chat.ChoicesAsync()).ShouldBe(["Medical request (a new or ongoing health problem)", "Admin request (fit notes, letters, test results, repeat prescriptions)", "NHS online advice and guidance on conditions"]);
        await chat.ChooseAsync("Medical request (a new or ongoing health problem)", "Tell us about your request");
        await chat.AnswerAsync(Details, "Do you want to add photos?");
        await chat.ChooseAsync("No", "Who is this request for?");
        await chat.ChooseAsync("Myself", "What is your first name?");
        await chat.AnswerAsync("Jane", "What is your last name?");
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22/10/2010", "What is your gender?");
        await chat.ChooseAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "What UK phone number");
        await chat.AnswerAsync("07700 900123", "Do you have the phone 07700 900123 with you now?");
        await chat.ChooseAsync("Yes", "We've texted a 6-digit code");
        await chat.AnswerAsync(await WebChatTestSupport.LastCodeSentToAsync(host), "How should we reply on");
        await chat.ChooseAsync("Text message", "Please check your answers.");
        await chat.ChooseAsync("Submit", "Your reference is");

        var reference = await chat.ReferenceAsync();
        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(reference);
        request.ShouldNotBeNull();
        request.Channel.ShouldBe(Channel.WebChat);
        request.Patient.ShouldBe(new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"));
        request.Contact.ShouldBe(new ContactDetails(WebChatTestSupport.JanesMobile, true, ContactPreference.Text));
        request.Details.ShouldBe(Details);
        (await chat.PatientMessages.AllInnerTextsAsync()).ShouldContain("No, it's not an emergency", "a pressed button shows as the patient's message");
        chat.Sockets.ShouldBeEmpty();
        chat.Polls.ShouldBeGreaterThan(5);
        chat.ShouldHaveNoProblems();
        await chat.CloseAsync();
    }

    [Fact]
    public async Task Patient_reaches_a_reference_id_over_a_websocket_typing_every_answer()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var chat = await BrowserChat.OpenAsync(browser, host);

        await chat.AnswerAsync("no", "What is your request about?");
        await chat.AnswerAsync("1", "Tell us about your request");
        await chat.AnswerAsync(Details, "Do you want to add photos?");
        await chat.AnswerAsync("no", "Who is this request for?");
        await chat.AnswerAsync("1", "What is your first name?");
        await chat.AnswerAsync("Jane", "What is your last name?");
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22 October 2010", "What is your gender?");
        await chat.AnswerAsync("f", "What is your postcode?");
        await chat.AnswerAsync("ls16ae", "What UK phone number");
        await chat.AnswerAsync("07700900123", "with you now?");
        await chat.AnswerAsync("yes", "We've texted a 6-digit code");
        await chat.AnswerAsync(await WebChatTestSupport.LastCodeSentToAsync(host), "How should we reply on");
        await chat.AnswerAsync("2", "Please check your answers.");
        await chat.AnswerAsync("1", "Your reference is");

        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(await chat.ReferenceAsync());
        request.ShouldNotBeNull();
        request.Patient.Postcode.ShouldBe("LS1 6AE");
        request.Contact.Preference.ShouldBe(ContactPreference.Phone);
        chat.Sockets.ShouldHaveSingleItem().ShouldContain($"/v3/directline/conversations/{chat.ConversationId}/stream?t=");
        chat.Polls.ShouldBe(0);
        chat.ShouldHaveNoProblems();
        await chat.CloseAsync();
    }

    [Fact]
    public async Task Back_and_change_from_review_keep_the_answers_and_show_typed_markup_as_text()
    {
        const string markup = "Rash **getting worse** <b>since</b> <img src=x onerror=alert(1)> [see](https://example.com/) _Monday_";
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var chat = await BrowserChat.OpenAsync(browser, host);

        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        await chat.ChooseAsync("Medical request (a new or ongoing health problem)", "Tell us about your request");
        await chat.AnswerAsync(markup, "Do you want to add photos?");
        await chat.ChooseAsync("No", "Who is this request for?");
        await chat.ChooseAsync("Myself", "What is your first name?");
        await chat.AnswerAsync("Jane", "What is your last name?");
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22/10/2010", "What is your gender?");
        await chat.AnswerAsync("back", "What is your date of birth?");
        await chat.AnswerAsync("1 Feb 1980", "What is your gender?");
        await chat.ChooseAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "What UK phone number");
        await chat.AnswerAsync("0113 496 0000", "Please check your answers.");

        var review = await chat.LastBotTextAsync();
        review.ShouldContain("Born: 1 February 1980");
        review.ShouldContain("Details: " + markup);
        await chat.ChooseAsync("Change an answer", "Which answer do you want to change?");
        await chat.ChooseAsync("Postcode", "What is your postcode?");
        await chat.AnswerAsync("SW1A 1AA", "Please check your answers.");
        (await chat.LastBotTextAsync()).ShouldContain("Postcode: SW1A 1AA");
        await chat.ChooseAsync("Submit", "Your reference is");

        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(await chat.ReferenceAsync());
        request.ShouldNotBeNull();
        request.Patient.DateOfBirth.ShouldBe(new DateOnly(1980, 2, 1));
        request.Patient.Postcode.ShouldBe("SW1A 1AA");
        request.Details.ShouldBe(markup);
        (await chat.PatientMessages.AllInnerTextsAsync()).ShouldContain(markup);
        // Nothing the patient typed became markup: no bold, image or link inside any message.
        (await chat.Page.Locator(".webchat__bubble__content :is(b, strong, em, img, a[href^='https://example.com'])").CountAsync()).ShouldBe(0);
        chat.ShouldHaveNoProblems();
        await chat.CloseAsync();
    }

    [Fact]
    public async Task Expired_token_shows_a_clear_message_and_the_answer_is_not_applied()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(), time: clock);
        var chat = await BrowserChat.OpenAsync(browser, host, polling: true);
        chat.ExpectRefusedCalls();

        clock.Advance(TimeSpan.FromMinutes(31));
        await chat.ChoiceButton("No, it's not an emergency").ClickAsync();

        await Expect(chat.Problem).ToBeVisibleAsync();
        await Expect(chat.Problem).ToContainTextAsync("This conversation has timed out. If you did not get a reference number, your request has not been sent.");
        await Expect(chat.Problem.GetByRole(AriaRole.Link, new() { Name = "Start a new conversation" })).ToBeVisibleAsync();
        var record = await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + chat.ConversationId);
        record.ShouldNotBeNull().State.ShouldBe("emergency");
        (await host.Services.GetRequiredService<IActivityStore>().ListAfterAsync(chat.ConversationId, 0, 10)).Count.ShouldBe(1, "only the opening is stored");
        chat.ShouldHaveNoProblems();
        await chat.CloseAsync();
    }

    [Fact]
    public async Task Conversation_carries_on_after_the_service_restarts()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var chat = await BrowserChat.OpenAsync(browser, host);
        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        await chat.ChooseAsync("Admin request (fit notes, letters, test results, repeat prescriptions)", "Tell us about your request");
        await chat.AnswerAsync("Please send me a copy of my last blood test results.", "Who is this request for?");
        await chat.ChooseAsync("Myself", "What is your first name?");

        chat.ExpectRefusedCalls();
        await host.RestartAsync();

        // The widget's socket closed with the old process; it reconnects (after 3 to 15 s) and resumes after its watermark.
        await chat.AnswerAsync("Jane", "What is your last name?", timeoutMs: 60_000);
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22/10/2010", "What is your gender?");
        await chat.ChooseAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "What UK phone number");
        await chat.AnswerAsync("0113 496 0000", "Please check your answers.");
        await chat.ChooseAsync("Submit", "Your reference is");

        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(await chat.ReferenceAsync());
        request.ShouldNotBeNull();
        request.RequestTypeId.ShouldBe("admin-request");
        request.Patient.FirstName.ShouldBe("Jane");
        (await chat.BotMessages.AllInnerTextsAsync()).Count(t => t.Contains("What is your first name?", StringComparison.Ordinal)).ShouldBe(1, "nothing is shown twice after the reconnect");
        chat.Sockets.Count.ShouldBeGreaterThanOrEqualTo(2);
        await chat.CloseAsync();
    }
}
