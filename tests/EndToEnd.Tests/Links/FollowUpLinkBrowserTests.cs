using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using static Microsoft.Playwright.Assertions;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Links;

/// <summary>
/// Patient-initiated follow-up from end to end in headless Chromium: staff text a personal link from the inbox,
/// the patient opens it from the text in the Web Chat widget, confirms their date of birth, accepts the details
/// held, and sends a request that arrives tagged with the pathway and matched to the same NHS record; once the
/// follow-up period is over (a controlled clock), the link says so and points to the other ways in.
/// </summary>
public sealed partial class FollowUpLinkBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string NorthsideStaff = "staff@northside-community.example";

    [Fact]
    public async Task Staff_text_a_follow_up_link_the_patient_uses_it_and_it_ends_after_the_period()
    {
        var clock = new ShiftedClock();
        await using var host = await ServiceHost.StartAsync(
            Settings(("WebChat:TokenRequestsPerMinute", "1000"), ("Matching:PollInterval", "00:00:00.100")), time: clock);

        // Staff: "Send the link to a patient", a personal follow-up link for Jane Smith.
        var staff = await browser.NewPageAsync();
        await SignInAsync(staff, host);
        await staff.GetByRole(AriaRole.Link, new() { Name = "Send the link" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Send the link to a patient" })).ToBeVisibleAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(staff, "send the link page");

        // A wrong NHS number is refused, with what was typed kept.
        await staff.GetByLabel("A personal follow-up (PIFU) link").CheckAsync();
        await staff.GetByLabel("Patient's mobile number").FillAsync("07700 900123");
        await staff.GetByLabel("First name").FillAsync("Jane");
        await staff.GetByLabel("Last name").FillAsync("Smith");
        await staff.GetByLabel("NHS number (optional)").FillAsync("900 000 0008");
        await staff.GetByLabel("Day").FillAsync("22");
        await staff.GetByLabel("Month").FillAsync("10");
        await staff.GetByLabel("Year").FillAsync("2010");
        await staff.GetByLabel("Follow-up pathway").FillAsync("Rheumatology");
        await staff.GetByLabel("How long the link works for").SelectOptionAsync("6");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Expect(staff.Locator(".nhsuk-error-summary")).ToContainTextAsync("Enter a valid 10-digit NHS number, or leave it blank.");
        await Expect(staff.GetByLabel("Last name")).ToHaveValueAsync("Smith");
        await Accessibility.ShouldHaveNoViolationsAsync(staff, "send the link page with an error");

        await staff.GetByLabel("NHS number (optional)").FillAsync("900 000 0009");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Expect(staff.Locator(".nhsuk-notification-banner")).ToContainTextAsync("The link is on its way to the patient.");
        var sent = staff.Locator("table tbody tr").First;
        await Expect(sent).ToContainTextAsync("07700 900123");
        await Expect(sent).ToContainTextAsync("Follow-up: Rheumatology");
        await Expect(sent).ToContainTextAsync(LastDayMonthsOn(clock.GetUtcNow(), 6));
        await Accessibility.ShouldHaveNoViolationsAsync(staff, "sent links");

        // The patient's phone: the text in the outbox carries the personal link, and nothing personal.
        using var http = host.CreateClient();
        var texts = await http.GetFromJsonAsync<JsonElement>($"/dev/outbox?to={Uri.EscapeDataString(JanesMobile)}");
        var text = texts.EnumerateArray().Select(t => t.GetProperty("body").GetString()!).First(b => b.Contains("/f/", StringComparison.Ordinal));
        text.ShouldStartWith("Northside Community Health NHS Trust: this is your personal link");
        var link = new Uri(FollowUpLink().Match(text).Value);
        link.GetLeftPart(UriPartial.Authority).ShouldBe(host.BaseAddress.GetLeftPart(UriPartial.Authority));
        link.AbsolutePath.ShouldNotContain("Jane", Case.Insensitive);
        link.AbsolutePath.ShouldNotContain("9000000009");

        // The patient opens it: nothing held is shown until the date of birth matches.
        var chat = await BrowserChat.OpenAsync(browser, host, "northside-community", path: link.AbsolutePath.TrimStart('/'));
        await Expect(chat.Page.Locator("main")).ToContainTextAsync("This is your personal link");
        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        await chat.ChooseAsync("Flare-up or symptoms returning", "Tell us about your request");
        await chat.AnswerAsync("My knee is swollen again, like in the spring.", "Do you want to add photos?");
        await chat.ChooseAsync("No", "Who is this request for?");
        await chat.ChooseAsync("Myself", "what is your date of birth?");
        (await chat.Page.Locator("main").InnerTextAsync()).ShouldNotContain("Smith");
        await chat.AnswerAsync("22/10/2010", "These are the details we have for you");
        await Expect(chat.BotMessages.Last).ToContainTextAsync("Name: Jane Smith");
        await Expect(chat.BotMessages.Last).ToContainTextAsync("Mobile: 07700 900123");
        await chat.ChooseAsync("Yes, they're right", "What is your gender?");
        await chat.ChooseAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "with you now?");
        await chat.ChooseAsync("Yes", "6-digit code");
        await chat.AnswerAsync(await WebChat.WebChatTestSupport.LastCodeSentToAsync(host), "How should we reply on");
        await chat.ChooseAsync("Text message", "Please check your answers");
        await Expect(chat.BotMessages.Last).ToContainTextAsync("Name: Jane Smith");
        await chat.ChooseAsync("Submit", "Your reference is");
        var reference = await chat.ReferenceAsync();
        chat.ShouldHaveNoProblems();

        // The request: tagged with the pathway, matched to the NHS number the link was sent for.
        var request = await MatchedAsync(host, reference);
        request.FollowUp!.Pathway.ShouldBe("Rheumatology");
        request.Match.ShouldBe(new MatchResult(MatchStatus.Matched, null, "9000000009"));
        await staff.GotoAsync(new Uri(host.BaseAddress, $"inbox/requests/{reference}").ToString());
        await Expect(staff.Locator("#follow-up")).ToContainTextAsync("Rheumatology, from a personal follow-up link sent for NHS number 900 000 0009");
        await Accessibility.ShouldHaveNoViolationsAsync(staff, "request from a follow-up link");

        // Seven months on: the link has ended, and says how to get in touch instead.
        clock.Shift(TimeSpan.FromDays(214));
        var later = await browser.NewPageAsync();
        var response = await later.GotoAsync(link.ToString());
        response!.Status.ShouldBe((int)HttpStatusCode.Gone);
        await Expect(later.GetByRole(AriaRole.Heading, new() { Name = "This follow-up link has ended" })).ToBeVisibleAsync();
        await Expect(later.Locator("main")).ToContainTextAsync(new Uri(host.BaseAddress, "c/northside-community").ToString().TrimEnd('/'));
        await Expect(later.Locator("main")).ToContainTextAsync("0113 496 0002");
        await Accessibility.ShouldHaveNoViolationsAsync(later, "ended follow-up link");

        // And the sent links list says it has ended, with nothing left to end (a new day, a new sign-in).
        await SignInAsync(staff, host);
        await staff.GotoAsync(new Uri(host.BaseAddress, "inbox/links").ToString());
        await Expect(staff.Locator("table tbody tr").First).ToContainTextAsync("Ended on");
        (await staff.GetByRole(AriaRole.Button, new() { Name = "End this link" }).CountAsync()).ShouldBe(0);
    }

    private static async Task SignInAsync(IPage page, ServiceHost host)
    {
        await page.GotoAsync(new Uri(host.BaseAddress, "inbox/login").ToString());
        await page.GetByLabel("Email address").FillAsync(NorthsideStaff);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>
    /// The last day a link sent now works: today's date in London, so many months on ("2 December" gives "2 June",
    /// even late in the evening, when the same instant six months on is already the next day in summer time).
    /// </summary>
    private static string LastDayMonthsOn(DateTimeOffset now, int months) =>
        TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).Date.AddMonths(months)
            .ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);


    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/c/northside-community/f/[A-Za-z0-9_-]{22}")]
    private static partial Regex FollowUpLink();
}

/// <summary>
/// The real clock moved on by a chosen amount: the service's timers still run in real time (matching, delivery),
/// while "now" can jump months ahead, as a follow-up period passing.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
