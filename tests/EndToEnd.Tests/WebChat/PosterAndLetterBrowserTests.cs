using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>
/// The poster and the paragraph for letters in headless Chromium: axe-core (WCAG 2.2 AA) on screen and
/// with print media, what shows on paper, the QR code read back from the page, and one A4 page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PosterAndLetterBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Poster_is_accessible_on_screen_and_in_print_and_prints_the_qr_code_link_and_numbers_without_the_header()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var link = new Uri(host.BaseAddress, "c/riverside-gp").ToString();
        var page = await browser.NewPageAsync();
        var errors = ConsoleErrors(page);
        // Stands in for the browser's print dialog, which a headless browser does not show.
        await page.AddInitScriptAsync("window.printCalls = 0; window.print = function () { window.printCalls++; };");

        var response = await page.GotoAsync(link + "/poster");

        response!.Status.ShouldBe(200);
        await Expect(page).ToHaveTitleAsync("Poster to print: Riverside GP Practice");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Riverside GP Practice");
        var header = page.Locator("header");
        var printButton = page.GetByRole(AriaRole.Button, new() { Name = "Print this poster" });
        await Expect(header).ToBeVisibleAsync();
        await Expect(printButton).ToBeVisibleAsync();
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the poster on screen");
        await printButton.ClickAsync();
        (await page.EvaluateAsync<int>("window.printCalls")).ShouldBe(1, "the button opens the browser's print");

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Accessibility.ShouldHaveNoViolationsAsync(page, "the poster as printed");
        await Expect(header).ToBeHiddenAsync();
        await Expect(printButton).ToBeHiddenAsync();
        await Expect(page.Locator(".nhsuk-skip-link")).ToBeHiddenAsync();
        await Expect(page.GetByText("Only the poster prints")).ToBeHiddenAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for " + link });
        await Expect(qr).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("or text us on 07700 900001")).ToBeVisibleAsync();
        await Expect(page.GetByText("or call us on 0113 496 0001")).ToBeVisibleAsync();
        await Expect(page.GetByText("In an emergency, call 999.")).ToBeVisibleAsync();
        (await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).EvaluateAsync<string>("a => getComputedStyle(a, '::after').content"))
            .ShouldBe("none", "the printed link is not followed by its address a second time");
        QrImages.Read(await qr.ScreenshotAsync()).ShouldBe(link, "a phone reading the printed QR code opens the link");
        errors.ShouldBeEmpty("no file or script was refused by the page's policy");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_demo_services_poster_prints_on_one_a4_page()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var page = await browser.NewPageAsync();

        foreach (var service in new[] { "riverside-gp", "northside-community", "hillview-mental-health" })
        {
            await page.GotoAsync(new Uri(host.BaseAddress, $"c/{service}/poster").ToString());
            var pdf = await page.PdfAsync(new() { PreferCSSPageSize = true, PrintBackground = true });

            var pages = PdfPages(pdf);
            pages.Count.ShouldBe(1, $"{service}'s poster prints on one page");
            var (width, height) = pages[0];
            // A4 is 210 x 297 mm: 595 x 842 points.
            width.ShouldBe(595, 1, service);
            height.ShouldBe(842, 1, service);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_long_name_link_and_two_text_numbers_still_print_on_one_a4_page()
    {
        const string name = "Riverside and District Community Health and Wellbeing Partnership NHS Foundation Trust";
        var rules = PosterAndLetterTests.CopyOfTheRules(services =>
        {
            var riverside = services.Single(s => s!["id"]!.GetValue<string>() == "riverside-gp")!;
            riverside["name"] = name;
            riverside["smsNumbers"] = new JsonArray("+447700900001", "+447700900009");
        });
        try
        {
            await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(
                ("Rules:Directory", rules), ("PublicBaseUrl", "https://patient-contact.riverside-and-district-partnership.example.nhs.uk")));
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseAddress, "c/riverside-gp/poster").ToString());

            var pdf = await page.PdfAsync(new() { PreferCSSPageSize = true, PrintBackground = true });

            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
            PdfPages(pdf).Count.ShouldBe(1);
            await page.Context.CloseAsync();
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    [Fact]
    public async Task Letter_page_is_accessible_on_screen_and_in_print_and_its_png_download_holds_the_link()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var link = new Uri(host.BaseAddress, "c/northside-community").ToString();
        var context = await browser.Browser.NewContextAsync(new() { Locale = "en-GB", AcceptDownloads = true, ViewportSize = new() { Width = 1024, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var errors = ConsoleErrors(page);

        var response = await page.GotoAsync(link + "/letter");

        response!.Status.ShouldBe(200);
        await Expect(page).ToHaveTitleAsync("Paragraph for letters: Northside Community Health NHS Trust");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Northside Community Health NHS Trust - Paragraph for letters");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "the letter page on screen");
        var copy = page.GetByLabel("Copy this text into your letter template");
        await Expect(copy).ToHaveValueAsync(new Regex("^If you need to contact us about something that is not urgent, .* go to " + Regex.Escape(link) + @"\. You can also text us on 07700 900002, or call us on 0113 496 0002\. This is not for emergencies\."));
        await Expect(copy).ToHaveAttributeAsync("readonly", string.Empty);
        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Accessibility.ShouldHaveNoViolationsAsync(page, "the letter page as printed");
        await Expect(page.Locator("header")).ToBeHiddenAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for " + link });
        await Expect(qr).ToBeVisibleAsync();
        await Expect(page.Locator(".pc-letter").GetByText("You can also text us on 07700 900002")).ToBeVisibleAsync();
        var box = (await page.Locator(".pc-letter__text").BoundingBoxAsync())!;
        var qrBox = (await qr.BoundingBoxAsync())!;
        qrBox.X.ShouldBeGreaterThan(box.X + box.Width - 1, "the QR code sits beside the paragraph");

        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the QR code as a PNG picture" }).ClickAsync());
        download.SuggestedFilename.ShouldBe("northside-community-qr-code.png");
        QrImages.Read(await File.ReadAllBytesAsync((await download.PathAsync())!)).ShouldBe(link, "the downloaded picture opens the link");
        errors.ShouldBeEmpty("no file or script was refused by the page's policy");
        await context.CloseAsync();
    }

    private static List<string> ConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }

    /// <summary>The size in points of each page of a PDF that Chromium wrote.</summary>
    private static List<(double Width, double Height)> PdfPages(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        return PdfPage().Matches(text)
            .Select(m => MediaBox().Match(m.Value))
            .Select(b => (double.Parse(b.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(b.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
    }


    [GeneratedRegex(@"obj\s*<<\s*/Type\s*/Page(?![s\w]).*?endobj", RegexOptions.Singleline)]
    private static partial Regex PdfPage();

    [GeneratedRegex(@"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")]
    private static partial Regex MediaBox();
}
