using PatientContact.Inbox.Messaging;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Form;

/// <summary>
/// The form in headless Chromium: with JavaScript off, from the link page's fallback to a reference ID, for every
/// demo service, for the patient and for someone else; with JavaScript on, by the keyboard alone. axe-core checks
/// every page against WCAG 2.2 AA, errors shown included.
/// </summary>
public sealed partial class FormBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings(("WebChat:TokenRequestsPerMinute", "1000")));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IPage? _checker;

    [Theory]
    [InlineData("riverside-gp", false)]
    [InlineData("riverside-gp", true)]
    [InlineData("northside-community", false)]
    [InlineData("northside-community", true)]
    [InlineData("hillview-mental-health", false)]
    [InlineData("hillview-mental-health", true)]
    public async Task With_JavaScript_off_the_form_reaches_a_reference_id_on_accessible_pages(string serviceId, bool someoneElse)
    {
        var page = await browser.NewPageAsync(javaScript: false);
        await page.GotoAsync(Url($"c/{serviceId}"));
        await AxeAsync(page, "link page without JavaScript");
        await page.GetByRole(AriaRole.Link, new() { Name = "Send your request with a form instead" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start now" })).ToBeVisibleAsync();
        await AxeAsync(page, "start page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();

        await Expect(page.Locator("form[data-step]")).ToHaveAttributeAsync("data-step", "emergency");
        await CheckedAsync(page, "emergency");
        // Nothing chosen: the error summary links to the field, with the engine's reason.
        await ContinueAsync(page);
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("Choose one of the answers.");
        await Expect(page).ToHaveTitleAsync(new Regex("^Error: "));
        await AxeAsync(page, "emergency question with an error");
        await page.GetByLabel("No, it's not an emergency").CheckAsync();
        await ContinueAsync(page);

        await CheckedAsync(page, "request-type");
        await page.Locator("#answer-1").CheckAsync();
        await ContinueAsync(page);

        await CheckedAsync(page, "details");
        await Expect(page.Locator("#answer-info")).ToHaveTextAsync("You can enter up to 1,000 characters");
        await page.Locator("#answer").FillAsync("short");
        await ContinueAsync(page);
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("Please tell us a bit more");
        await Expect(page.Locator("#answer")).ToHaveValueAsync("short");
        await AxeAsync(page, "details with an error");
        await page.Locator("#answer").FillAsync("My joints have flared up again and the pain is keeping me awake.");
        await ContinueAsync(page);

        // The GP practice's medical request and the community trust's flare-up take photos; the mental health trust's first type does not.
        var photos = serviceId != "hillview-mental-health";
        if (photos)
        {
            await CheckedAsync(page, "photos");
            await page.GetByLabel(someoneElse ? "No" : "Yes, add photos").CheckAsync();
            await ContinueAsync(page);
        }

        if (photos && !someoneElse)
        {
            await CheckedAsync(page, "photos");
            await Expect(page.Locator(".nhsuk-hint")).ToContainTextAsync("You have not added any photos yet.");
            await page.Locator("#answer").SetInputFilesAsync(new FilePayload { Name = "rash.jpg", MimeType = "image/jpeg", Buffer = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray() });
            await page.GetByRole(AriaRole.Button, new() { Name = "Add photos and choose more" }).ClickAsync();
            await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("rash.jpg: That file is not a photo we can take.");
            await AxeAsync(page, "photos with an error");
            await page.Locator("#answer").SetInputFilesAsync(
            [
                new FilePayload { Name = "rash-close.jpg", MimeType = "image/jpeg", Buffer = TestImages.JpegWithGps() },
                new FilePayload { Name = "rash-wide.png", MimeType = "image/png", Buffer = TestImages.PngWithText() },
            ]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add photos and choose more" }).ClickAsync();
            await CheckedAsync(page, "photos");
            await Expect(page.Locator(".nhsuk-inset-text").First).ToContainTextAsync("Photo 1 added.");
            await Expect(page.Locator(".nhsuk-hint")).ToContainTextAsync("You have added 2 photos.");
            await ContinueAsync(page);
        }

        await CheckedAsync(page, "proxy");
        if (someoneElse)
        {
            await page.GetByLabel("Someone else").CheckAsync();
            await ContinueAsync(page);
            await CheckedAsync(page, "proxy-name");
            await page.Locator("#answer").FillAsync("Sam Smith");
            await ContinueAsync(page);
            await CheckedAsync(page, "proxy-relationship");
            await page.GetByLabel("Parent or guardian").CheckAsync();
            await ContinueAsync(page);
        }
        else
        {
            await page.GetByLabel("Myself").CheckAsync();
            await ContinueAsync(page);
        }

        await CheckedAsync(page, "first-name");
        await Expect(page.Locator("#answer")).ToHaveAttributeAsync("autocomplete", someoneElse ? "off" : "given-name");
        await page.Locator("#answer").FillAsync("Jane");
        await ContinueAsync(page);
        await CheckedAsync(page, "last-name");
        await page.Locator("#answer").FillAsync("Smith");
        await ContinueAsync(page);

        await CheckedAsync(page, "date-of-birth");
        await page.GetByLabel("Day").FillAsync("22");
        await page.GetByLabel("Month").FillAsync("10");
        await page.GetByLabel("Year").FillAsync("2990");
        await ContinueAsync(page);
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("cannot be in the future");
        await AxeAsync(page, "date of birth with an error");
        await page.GetByLabel("Year").FillAsync("2010");
        await ContinueAsync(page);

        await CheckedAsync(page, "gender");
        await page.GetByLabel("Female").CheckAsync();
        await ContinueAsync(page);
        await CheckedAsync(page, "postcode");
        await page.Locator("#answer").FillAsync("ls1 6ae");
        await ContinueAsync(page);
        await CheckedAsync(page, "phone");
        await page.Locator("#answer").FillAsync("07700 900123");
        await ContinueAsync(page);
        await CheckedAsync(page, "mobile-access");
        await page.GetByLabel("Yes").CheckAsync();
        await ContinueAsync(page);

        await CheckedAsync(page, "otp");
        await page.Locator("#answer").FillAsync("000000");
        await ContinueAsync(page);
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("That code is not right.");
        await AxeAsync(page, "code with an error");
        await page.Locator("#answer").FillAsync(await LastCodeAsync());
        await ContinueAsync(page);

        await CheckedAsync(page, "contact-preference");
        await Expect(page.Locator(".nhsuk-inset-text").First).ToContainTextAsync("Thank you, that code is right.");
        await page.GetByLabel("Text message").CheckAsync();
        await ContinueAsync(page);

        await CheckedAsync(page, "review");
        await Expect(page.Locator("#review")).ToContainTextAsync("22 October 2010");
        if (someoneElse)
        {
            await Expect(page.Locator("#review")).ToContainTextAsync("Sam Smith");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Expect(page.Locator("#confirmation")).ToContainTextAsync("Request sent");
        await AxeAsync(page, "confirmation");
        var reference = (await page.Locator("#reference-id").TextContentAsync())!;
        reference.ShouldMatch("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");

        var stored = await MatchedAsync(_host, reference);
        stored.ServiceId.ShouldBe(serviceId);
        stored.Channel.ShouldBe(Channel.Form);
        stored.SubmittedBy.Kind.ShouldBe(someoneElse ? SubmitterKind.Proxy : SubmitterKind.Self);
        stored.Attachments.Select(a => a.ContentType).ShouldBe(photos && !someoneElse ? ["image/jpeg", "image/png"] : []);
    }

    [Fact]
    public async Task With_JavaScript_on_the_keyboard_alone_completes_the_form_and_changes_an_answer()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Url("c/riverside-gp"));
        // The chat starts beside the link after the page has loaded. Let it start first, as a patient sees it, so that
        // nothing it does (its widget appearing, or a problem shown and given the focus) lands between Tab and Enter.
        await Expect(page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").First.Or(page.Locator("#chat-status:not([hidden])")))
            .ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("#chat-status")).ToBeHiddenAsync();
        await EnterLinkAsync(page, "#use-form");
        await TabToAsync(page, "button.nhsuk-button");
        await EnterAsync(page);

        await ChooseAsync(page, "emergency", 1);
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request type with JavaScript on");
        await ChooseAsync(page, "request-type", 1);
        await TypeAsync(page, "details", "I need my repeat prescription for my inhaler, please.");
        await ChooseAsync(page, "photos", 2);
        await ChooseAsync(page, "proxy", 1);
        await TypeAsync(page, "first-name", "Jane");
        await TypeAsync(page, "last-name", "Smith");
        await Checked(page, "date-of-birth", axe: false);
        foreach (var (id, value) in new[] { ("#answer-day", "22"), ("#answer-month", "10"), ("#answer-year", "2010") })
        {
            await TabToAsync(page, id);
            await page.Keyboard.TypeAsync(value);
        }

        await EnterAsync(page);
        await ChooseAsync(page, "gender", 1);
        await TypeAsync(page, "postcode", "LS1 6AE");
        await TypeAsync(page, "phone", "07700 900123");
        await ChooseAsync(page, "mobile-access", 1);
        await TypeAsync(page, "otp", await LastCodeAsync());
        await ChooseAsync(page, "contact-preference", 2);

        // Change the postcode from the review, by its Change link, and come straight back.
        await Checked(page, "review");
        await TabToAsync(page, "a[href$='/change/postcode']");
        await EnterAsync(page);
        await Checked(page, "postcode");
        await Expect(page.Locator("#answer")).ToHaveValueAsync("LS1 6AE");
        await TabToAsync(page, "#answer");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("LS2 7EW");
        await EnterAsync(page);
        await Checked(page, "review");
        await Expect(page.Locator("#review")).ToContainTextAsync("LS2 7EW");
        await Expect(page.Locator("#review")).ToContainTextAsync("Phone call");

        await TabToAsync(page, "button.nhsuk-button");
        await EnterAsync(page);
        await Expect(page.Locator("#confirmation")).ToContainTextAsync("Request sent");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "confirmation with JavaScript on");
        var stored = await MatchedAsync(_host, (await page.Locator("#reference-id").TextContentAsync())!);
        stored.Patient.Postcode.ShouldBe("LS2 7EW");
        stored.Channel.ShouldBe(Channel.Form);
    }

    private string Url(string path) => new Uri(_host.BaseAddress, path).ToString();

    private async Task<string> LastCodeAsync()
    {
        var texts = await _host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(JanesMobile, 10);
        return texts.First(t => t.Purpose == TextPurpose.Code).Body[..6];
    }

    /// <summary>The page is the question of this step, and (unless told not to) axe-core finds nothing on it.</summary>
    private static async Task Checked(IPage page, string step, bool axe = true)
    {
        await Expect(page.Locator("form[data-step]")).ToHaveAttributeAsync("data-step", step);
        await Expect(page).ToHaveURLAsync(new Regex($"/{Regex.Escape(step)}$"));
        if (axe)
        {
            await Accessibility.ShouldHaveNoViolationsAsync(page, $"the {step} page");
        }
    }

    /// <summary>As <see cref="Checked"/>, for a page without JavaScript.</summary>
    private async Task CheckedAsync(IPage page, string step)
    {
        await Expect(page.Locator("form[data-step]")).ToHaveAttributeAsync("data-step", step);
        await Expect(page).ToHaveURLAsync(new Regex($"/{Regex.Escape(step)}$"));
        await AxeAsync(page, $"the {step} page without JavaScript");
    }

    /// <summary>
    /// axe-core over a page shown without JavaScript. axe-core is itself a script, so it runs over exactly the HTML
    /// that browser received, put into a page of the same origin (same styles) in a second, scripted tab.
    /// </summary>
    private async Task AxeAsync(IPage page, string where)
    {
        var html = await page.ContentAsync();
        if (_checker is null)
        {
            _checker = await browser.NewPageAsync();
            await _checker.GotoAsync(Url("health/live"));
        }

        await _checker.SetContentAsync(html, new() { WaitUntil = WaitUntilState.Load });
        await Accessibility.ShouldHaveNoViolationsAsync(_checker, where);
    }

    private static Task ContinueAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

    /// <summary>Presses Enter on what has the focus (a link or a form's button) and waits for the page it leads to.</summary>
    private static async Task EnterAsync(IPage page)
    {
        var before = page.Url;
        var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'");
        await page.Keyboard.PressAsync("Enter");
        try
        {
            // Generous: on two busy cores a post and the next page can take longer than the default 20 s.
            await page.WaitForURLAsync(url => url != before, new() { Timeout = 60_000 });
        }
        catch (TimeoutException e)
        {
            var now = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'");
            throw new TimeoutException($"Enter on {focused} did not leave {before}; the focus is now on {now}.", e);
        }

        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>
    /// Tabs to a link beside the running chat and follows it with Enter. On two busy cores the widget has been seen to
    /// take the focus off the page (to the body) just as Enter was pressed, which then leads nowhere; when that is what
    /// happened, the patient's next move is taken once: Tab to the link again and press Enter. A link Enter never
    /// follows still fails.
    /// </summary>
    private static async Task EnterLinkAsync(IPage page, string selector)
    {
        await TabToAsync(page, selector);
        var before = page.Url;
        await page.Keyboard.PressAsync("Enter");
        try
        {
            await page.WaitForURLAsync(url => url != before, new() { Timeout = 20_000 });
            await page.WaitForLoadStateAsync(LoadState.Load);
            return;
        }
        catch (TimeoutException)
        {
            var lost = page.Url == before && await page.EvaluateAsync<bool>("() => document.activeElement === null || document.activeElement === document.body");
            if (!lost)
            {
                // On its way, only slow: the same 60 s in all as any other page gets.
                await page.WaitForURLAsync(url => url != before, new() { Timeout = 40_000 });
                await page.WaitForLoadStateAsync(LoadState.Load);
                return;
            }
        }

        // The focus was lost, not the link's way: once more, as a patient would.
        await TabToAsync(page, selector);
        await EnterAsync(page);
    }

    /// <summary>Tabs through the page until the element matching <paramref name="selector"/> has the focus.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        await page.WaitForLoadStateAsync(LoadState.Load);
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        throw new InvalidOperationException($"Tab never reached {selector} on {page.Url}.");
    }

    /// <summary>Picks a radio by the keyboard (Tab into the group, arrows to the choice), then Continue by Enter.</summary>
    private static async Task ChooseAsync(IPage page, string step, int choice)
    {
        await Checked(page, step, axe: false);
        await TabToAsync(page, "input[type=radio]");
        await page.Keyboard.PressAsync("Space");
        for (var i = 1; i < choice; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }

        await Expect(page.Locator($"#answer-{choice}")).ToBeCheckedAsync();
        await TabToAsync(page, "button[type=submit]:not([name])");
        await EnterAsync(page);
    }

    /// <summary>
    /// Types an answer in the step's field by the keyboard and sends it with Enter: from a one-line field Enter sends
    /// the form; in a text area it is a new line, so the keyboard user tabs on to Continue first.
    /// </summary>
    private static async Task TypeAsync(IPage page, string step, string text)
    {
        await Checked(page, step, axe: false);
        await TabToAsync(page, "#answer");
        await page.Keyboard.TypeAsync(text);
        if (await page.EvaluateAsync<bool>("() => document.activeElement.tagName === 'TEXTAREA'"))
        {
            await TabToAsync(page, "button[type=submit]:not([name])");
        }

        await EnterAsync(page);
    }
}
