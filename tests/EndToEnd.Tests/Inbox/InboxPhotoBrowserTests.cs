using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;
using PatientContact.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// The staff detail page of a request with two photos in headless Chromium: thumbnails shown with alt text saying
/// what they are, each opening the full image, and axe-core finding nothing against WCAG 2.2 AA.
/// </summary>
public sealed class InboxPhotoBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_detail_page_of_a_request_with_two_photos_shows_thumbnails_that_open_the_full_image_on_an_accessible_page()
    {
        var reference = await SubmitAsync(_host, answers: new Answers
        {
            Details = "I have a rash on my arm that has spread over three days.",
            Photos = [TestImages.Jpeg(640, 480), TestImages.Png(320, 240)],
        });
        var request = await RequestAsync(_host, reference);
        request.Attachments.Count.ShouldBe(2);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(Url("inbox/login"));
        await page.GetByLabel("Email address").FillAsync(RiversideStaff);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();

        await page.GotoAsync(Url($"inbox/requests/{reference}"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Photos" })).ToBeVisibleAsync();
        var thumbnails = page.Locator(".pc-inbox-photos img");
        await Expect(thumbnails).ToHaveCountAsync(2);
        for (var i = 0; i < 2; i++)
        {
            var thumbnail = page.GetByRole(AriaRole.Img, new() { Name = $"Photo {i + 1} from the patient (opens the full image)" });
            await Expect(thumbnail).ToBeVisibleAsync();
        }

        // Loaded, not a broken image: the browser decoded each one.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.pc-inbox-photos img')].every(i => i.complete && i.naturalWidth > 0)");
        await Expect(page.Locator(".pc-inbox-photos")).ToContainTextAsync("Photo 1: 640 by 480 pixels");
        await Expect(page.Locator(".pc-inbox-photos")).ToContainTextAsync("Photo 2: 320 by 240 pixels");
        await Accessibility.ShouldHaveNoViolationsAsync(page, "request detail with two photos");

        // A thumbnail opens the full image (in a new tab), served as the image itself.
        var fullUrl = $"/api/inbox/requests/{reference}/attachments/{request.Attachments[1].Id}";
        var served = new List<IResponse>();
        page.Context.Response += (_, response) =>
        {
            if (new Uri(response.Url).PathAndQuery == fullUrl)
            {
                served.Add(response);
            }
        };
        var full = await page.Context.RunAndWaitForPageAsync(() =>
            page.GetByRole(AriaRole.Img, new() { Name = "Photo 2 from the patient (opens the full image)" }).ClickAsync());
        await full.WaitForLoadStateAsync();
        new Uri(full.Url).PathAndQuery.ShouldBe(fullUrl);
        var response = served.ShouldHaveSingleItem();
        response.Status.ShouldBe(200);
        (await response.AllHeadersAsync())["content-type"].ShouldBe("image/png");
        (await response.BodyAsync()).ShouldBe(await RequestImageAsync(request.Attachments[1].Id));
        await full.CloseAsync();
        await page.CloseAsync();

        var viewed = (await StaffAuditAsync(_host, reference)).Where(a => a.Action == "request.attachment-viewed").ToList();
        viewed.ShouldContain(a => a.Detail!.Contains(request.Attachments[1].Id, StringComparison.Ordinal) && a.Detail.Contains("full", StringComparison.OrdinalIgnoreCase));
    }

    private string Url(string path) => new Uri(_host.BaseAddress, path).ToString();

    private async Task<byte[]> RequestImageAsync(string id) =>
        (await _host.Services.GetRequiredService<IAttachmentStore>().GetAsync(id))!.Content;
}
