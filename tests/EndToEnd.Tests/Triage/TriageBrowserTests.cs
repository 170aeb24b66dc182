using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;
using static PatientContact.EndToEnd.Tests.Triage.TriageSeed;

namespace PatientContact.EndToEnd.Tests.Triage;

/// <summary>
/// A receptionist in headless Chromium on the seeded service: the emergency banner, the list most urgent
/// first, the queues and the waiting order, the request with its red flags, then the reports and the weekly
/// file form. axe-core checks each page against WCAG 2.2 AA; nothing on them needs JavaScript.
/// </summary>
public sealed class TriageBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await TriageSeed.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Url(string path) => new Uri(_host.BaseAddress, path).ToString();

    private static async Task<string[]> RowsAsync(IPage page) =>
        [.. await page.Locator("#requests tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.reference)")];

    [Fact]
    public async Task Receptionist_triages_from_the_banner_and_the_urgency_order_and_reads_the_reports_on_accessible_pages()
    {
        var page = await browser.NewPageAsync();
        var scripts = 0;
        page.Request += (_, request) => scripts += request.ResourceType == "script" ? 1 : 0;
        await page.GotoAsync(Url("inbox/login"));
        await page.GetByLabel("Email address").FillAsync(RiversideStaff);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The banner is there from the first page, naming the unopened emergency.
        var banner = page.GetByRole(AriaRole.Region, new() { Name = "Emergency", Exact = true });
        await Expect(banner).ToContainTextAsync("1 request with an emergency red flag has not been opened yet");
        await Expect(banner.GetByRole(AriaRole.Link, new() { Name = Ref(3) })).ToBeVisibleAsync();

        // Most urgent first, among the new requests.
        await page.GetByLabel("Status").SelectOptionAsync("new");
        await page.GetByLabel("Order").SelectOptionAsync(new SelectOptionValue { Label = "Most urgent first" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(page.Locator("#results-summary")).ToContainTextAsync("most urgent first");
        (await RowsAsync(page)).ShouldBe([Ref(4), Ref(3), Ref(2), Ref(1), Ref(5)]);
        await Expect(page.Locator($"tr[data-reference='{Ref(1)}']")).ToContainTextAsync("3 h");
        await Expect(page.Locator($"tr[data-reference='{Ref(1)}']")).ToContainTextAsync("Amira Begum, 36");
        await Expect(page.Locator($"tr[data-reference='{Ref(3)}'] .nhsuk-tag--red")).ToHaveTextAsync("Emergency: Chest pain");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the list most urgent first, with the emergency banner");

        // The queues keep the order and the filters.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Queues" }).GetByRole(AriaRole.Link, new() { Name = "Unassigned" }).ClickAsync();
        (await RowsAsync(page)).ShouldBe([Ref(3), Ref(1)]);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Queues" }).GetByRole(AriaRole.Link, new() { Name = "Assigned to me" }).ClickAsync();
        (await RowsAsync(page)).ShouldBe([Ref(2), Ref(5)]);
        await Accessibility.ShouldHaveNoViolationsAsync(page, "my queue");

        // Waiting longest first, from the column heading.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Queues" }).GetByRole(AriaRole.Link, new() { Name = "All requests" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Waiting (sort by waiting longest first)" }).ClickAsync();
        (await RowsAsync(page)).ShouldBe([Ref(1), Ref(3), Ref(4), Ref(2), Ref(5)]);

        // Open the emergency from the banner: its flags read as labels with the advice shown, and the banner goes.
        await banner.GetByRole(AriaRole.Link, new() { Name = Ref(3) }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Request {Ref(3)}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#red-flags")).ToContainTextAsync("Chest pain (emergency)");
        await Expect(page.Locator("#red-flags")).ToContainTextAsync("The patient was shown: “Chest pain can be a sign of a heart attack. Call 999 now.”");
        await Expect(page.Locator("#red-flags")).ToContainTextAsync("They chose to carry on and send this request.");
        await Expect(page.Locator("#date-of-birth")).ToHaveTextAsync("22 October 2010 (16 years old)");
        await Expect(page.Locator("#waiting")).ToContainTextAsync("1 h so far: nobody has acted on it yet");
        await Expect(banner).ToHaveCountAsync(0);
        await Accessibility.ShouldHaveNoViolationsAsync(page, "an emergency request");

        // The reports: every chart drawn, each with its table.
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reports", Exact = true })).ToBeVisibleAsync();
        await Expect(banner).ToHaveCountAsync(0);
        await Expect(page.Locator("svg[role=img]")).ToHaveCountAsync(9);
        await Expect(page.Locator("section.pc-report table")).ToHaveCountAsync(9);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Requests per day 8 requests in 28 days; the busiest day was Wed 25 Nov with 4." })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Time to first staff action: the numbers" })).ToContainTextAsync("90th percentile");
        await Expect(page.Locator("#per-day svg rect")).ToHaveCountAsync(28);
        await Expect(page.Locator("#by-hour svg rect")).ToHaveCountAsync(24);
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the reports");

        // The weekly file form: a week not yet over is refused beside the field.
        await Expect(page.GetByLabel("Week", new() { Exact = true })).ToHaveValueAsync("2026-W47");
        await page.GetByLabel("Week", new() { Exact = true }).FillAsync("2026-W48");
        await page.GetByRole(AriaRole.Button, new() { Name = "Download the CSV file" }).ClickAsync();
        await Expect(page.Locator(".nhsuk-error-summary")).ToContainTextAsync("Week 2026-W48 is not over yet: it ends on Sunday 29 November 2026.");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the reports with a refused week");

        // A week that is over downloads.
        await page.GetByLabel("Week", new() { Exact = true }).FillAsync("2026-W46");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the CSV file" }).ClickAsync());
        download.SuggestedFilename.ShouldBe("patientcontact-riverside-gp-2026-W46.csv");
        var file = await File.ReadAllTextAsync(await download.PathAsync());
        file.ShouldContain("2026-11-10,riverside-gp,Z90001,requests,all,All requests,3\r\n");

        scripts.ShouldBe(0, "the inbox pages need no JavaScript");
    }
}
