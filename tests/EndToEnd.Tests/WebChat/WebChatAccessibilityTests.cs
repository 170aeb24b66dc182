using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>The link page, with the widget open and in the middle of a conversation, checked with axe-core against WCAG 2.2 AA.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebChatAccessibilityTests(BrowserFixture browser)
{
    [Fact]
    public async Task Link_page_with_the_widget_open_and_mid_conversation_has_no_wcag_violations()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var chat = await BrowserChat.OpenAsync(browser, host);

        await Expect(chat.Page).ToHaveTitleAsync("Send a request to Riverside GP Practice");
        await Expect(chat.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(chat.Page.Locator("h1")).ToHaveTextAsync("Riverside GP Practice");
        await chat.Page.Keyboard.PressAsync("Tab");
        await Expect(chat.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to main content" })).ToBeFocusedAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(chat.Page, "the page with the widget open");

        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        await chat.ChooseAsync("Medical request (a new or ongoing health problem)", "Tell us about your request");
        await chat.AnswerAsync("My knee has been swollen for a week.", "Do you want to add photos?");
        await chat.ChooseAsync("No", "Who is this request for?");
        await Accessibility.ShouldHaveNoViolationsAsync(chat.Page, "mid-conversation, with choices shown");
        chat.ShouldHaveNoProblems();
        await chat.CloseAsync();
    }

    [Fact]
    public async Task Page_for_an_unknown_service_is_an_accessible_404()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "c/no-such-service").ToString());

        response!.Status.ShouldBe(404);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
        await Expect(page).ToHaveTitleAsync("Page not found");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the 404 page");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Problem_message_is_accessible_and_takes_the_focus()
    {
        // A token call the service refuses (rate limited) is the quickest way to the problem message.
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:TokenRequestsPerMinute", "1")));
        using (var client = host.CreateClient())
        {
            (await client.PostAsync("/c/riverside-gp/token", null)).EnsureSuccessStatusCode();
        }

        var chat = await BrowserChat.OpenAsync(browser, host, expectQuestion: null);
        chat.ExpectRefusedCalls();

        await Expect(chat.Problem).ToContainTextAsync("Too many conversations have been started from this connection.");
        await Expect(chat.Problem).ToBeFocusedAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(chat.Page, "the problem message");
        await chat.CloseAsync();
    }

}
