using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using static Microsoft.Playwright.Assertions;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// A receptionist in headless Chromium: a patient sends a request through the web chat widget, then staff
/// sign in, find it, open it, assign it, add a note, change its status, text the patient and sign out.
/// axe-core checks every inbox page against WCAG 2.2 AA on the way.
/// </summary>
public sealed class InboxBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Staff_find_a_web_chat_request_work_it_and_sign_out_on_accessible_pages()
    {
        var reference = await SubmitThroughWebChatAsync();
        var page = await browser.NewPageAsync();
        var problems = WatchForProblems(page);

        // Not signed in: the inbox sends you to the sign-in page, which comes back to the inbox.
        await page.GotoAsync(Url("inbox"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inbox/login\\?returnUrl="));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the inbox" })).ToBeVisibleAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(page, "sign-in page");

        await page.GetByLabel("Email address").FillAsync(RiversideStaff);
        await page.GetByLabel("Password").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("Enter a correct email address and password.");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "sign-in page with an error");

        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("header")).ToContainTextAsync("Signed in as");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request list");

        // Find it by its reference ID.
        await page.GetByLabel("Search by reference ID or patient name").FillAsync(reference.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#results-summary")).ToContainTextAsync("Showing 1 to 1 of 1 request");
        page.Url.ShouldNotContain("smith", Case.Insensitive);
        await Accessibility.ShouldHaveNoViolationsAsync(page, "search results");

        // Open it: every answer is there.
        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Request {reference}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#details")).ToHaveTextAsync("My asthma inhaler is running out and I need a new one.");
        await Expect(page.Locator("#patient-name")).ToHaveTextAsync("Jane Smith");
        await Expect(page.Locator("main")).ToContainTextAsync("22 October 2010");
        await Expect(page.Locator("main")).ToContainTextAsync("LS1 6AE");
        await Expect(page.Locator("main")).ToContainTextAsync("Yes, the patient showed they have this phone");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request detail");

        // Assign it to me.
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-notification-banner")).ToContainTextAsync($"Assigned to {RiversideStaff}.");

        // An empty note is refused with a message linked to the field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("Enter a note.");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request detail with an error");

        await page.GetByLabel("Internal note").FillAsync("Checked the record: repeat prescription due.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-notification-banner")).ToContainTextAsync("Note added.");
        await Expect(page.Locator(".pc-inbox-timeline")).ToContainTextAsync("Checked the record: repeat prescription due.");

        await page.GetByLabel("In progress").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-notification-banner")).ToContainTextAsync("Status changed to in progress.");
        await Expect(page.Locator(".pc-inbox-timeline")).ToContainTextAsync("Status changed from new to in progress");

        // A reply template fills the box for this request; staff may edit it before sending.
        await page.GetByLabel("Start from a template").SelectOptionAsync(new SelectOptionValue { Label = "Please call us" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Use template" }).ClickAsync();
        await Expect(page.GetByLabel("Text message to 07700 900123")).ToHaveValueAsync(
            $"Riverside GP Practice: about your request {reference}, please call us when you can. In an emergency, call 999.");

        const string text = "Riverside GP: your prescription is ready to collect from tomorrow.";
        await page.GetByLabel("Text message to 07700 900123").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send text" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-notification-banner")).ToContainTextAsync("Text message to 07700 900123 is in the queue to send.");
        await Expect(page.Locator(".pc-inbox-timeline")).ToContainTextAsync(text);
        // Development holds texts: the thread says so rather than claiming it went.
        await Expect(page.Locator("#thread")).ToContainTextAsync(text);
        await Expect(page.Locator("#thread")).ToContainTextAsync("Waiting to send");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request detail with a timeline and messages");

        // The text is in the outbox, for the patient's number.
        using var http = _host.CreateClient();
        var outbox = await http.GetFromJsonAsync<JsonElement>($"/dev/outbox?to={Uri.EscapeDataString(JanesMobile)}");
        outbox.EnumerateArray().ShouldContain(t => t.GetProperty("body").GetString() == text);

        var stored = await RequestAsync(_host, reference);
        (stored.Status, stored.AssignedTo, stored.Notes.Count).ShouldBe((RequestStatus.InProgress, RiversideStaff, 1));

        // The filtered list, the administrator's audit trail, and "page not found" are accessible too.
        await page.GotoAsync(Url("inbox?status=in-progress&matched=matched&redFlag=no"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = reference })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await page.GetByLabel("Reference ID").FillAsync(reference);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search the audit trail" }).ClickAsync();
        await Expect(page.Locator("table")).ToContainTextAsync("request.texted");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "audit trail");
        await page.GotoAsync(Url("inbox/requests/ZZZZ-ZZZZ"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(page, "page not found");

        // Sign out: the inbox is closed again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("You have signed out.");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "signed out");
        await page.GotoAsync(Url($"inbox/requests/{reference}"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inbox/login"));

        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Inbox_works_with_javascript_turned_off()
    {
        var reference = await SubmitAsync(_host);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Locale = "en-GB" });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync(Url("inbox/login"));
        await page.GetByLabel("Email address").FillAsync(RiversideStaff);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await page.GetByLabel("Done").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-notification-banner")).ToContainTextAsync("Status changed to done.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("You have signed out.");

        (await RequestAsync(_host, reference)).Status.ShouldBe(RequestStatus.Done);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Patient_text_with_markup_shows_as_text_and_runs_nothing_in_the_browser()
    {
        var reference = await SubmitAsync(_host, answers: new Answers { Details = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>" });
        var page = await browser.NewPageAsync();
        var dialogs = 0;
        page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };

        await SignInAsync(page);
        await page.GotoAsync(Url($"inbox/requests/{reference}"));

        await Expect(page.Locator("#details")).ToHaveTextAsync("<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>");
        (await page.TitleAsync()).ShouldNotBe("pwned");
        (await page.Locator("main img").CountAsync()).ShouldBe(0);
        dialogs.ShouldBe(0);
    }

    /// <summary>A patient types every answer into the Web Chat widget on the link page, choices included (they accept words).</summary>
    private async Task<string> SubmitThroughWebChatAsync()
    {
        var chat = await BrowserChat.OpenAsync(browser, _host);
        await chat.AnswerAsync("no", "What is your request about?");
        await chat.AnswerAsync("Medical request", "Tell us about your request");
        await chat.AnswerAsync("My asthma inhaler is running out and I need a new one.", "Do you want to add photos?");
        await chat.ChooseAsync("No", "Who is this request for?");
        await chat.AnswerAsync("Myself", "What is your first name?");
        await chat.AnswerAsync("Jane", "What is your last name?");
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22/10/2010", "What is your gender?");
        await chat.AnswerAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "What UK phone number");
        await chat.AnswerAsync("07700 900123", "with you now?");
        await chat.AnswerAsync("yes", "6-digit code");
        await chat.AnswerAsync(await WebChat.WebChatTestSupport.LastCodeSentToAsync(_host), "How should we reply on");
        await chat.AnswerAsync("Text message", "Please check your answers");
        await chat.AnswerAsync("Submit", "Your reference is");
        var reference = await chat.ReferenceAsync();
        await chat.CloseAsync();
        await MatchedAsync(_host, reference);
        return reference;
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(Url("inbox/login"));
        await page.GetByLabel("Email address").FillAsync(RiversideStaff);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
    }

    private string Url(string path) => new Uri(_host.BaseAddress, path).ToString();

    /// <summary>Script errors, failed assets (the styles, the icons) and Content-Security-Policy refusals: there should be none.</summary>
    private static List<string> WatchForProblems(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            // A page's own status (401 for a wrong password, 404 for "page not found") is reported as a
            // failed load; the tests expect those. Failed assets are caught below instead.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource: the server responded", StringComparison.Ordinal))
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/inbox/assets/", StringComparison.Ordinal) && response.Status != 200)
            {
                problems.Add($"asset {response.Url}: {response.Status}");
            }
        };
        return problems;
    }

}
