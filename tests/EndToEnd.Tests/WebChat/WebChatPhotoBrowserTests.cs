using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Storage;
using PatientContact.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>
/// Photos through the real Web Chat widget's upload button in headless Chromium, over Direct Line's
/// <c>/upload</c>, with a medical request that allows photos: kept without metadata, shown back as thumbnails,
/// listed on the request for its staff; bad files refused with their reasons and nothing kept.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebChatPhotoBrowserTests(BrowserFixture browser)
{
    private const string Details = "I have a rash on my arm that has spread over three days.";

    [Fact]
    public async Task A_jpeg_with_gps_and_a_png_uploaded_with_the_widget_reach_staff_and_the_stored_jpeg_has_no_exif_or_gps()
    {
        await using var host = await StartAsync();
        var chat = await ToPhotosAsync(host);

        await chat.ChooseAsync("Yes, add photos", "Send your photos now.");
        await UploadAsync(chat, "You have added 2 photos.",
            new FilePayload { Name = "rash-close.jpg", MimeType = "image/jpeg", Buffer = TestImages.JpegWithGps() },
            new FilePayload { Name = "rash-wide.png", MimeType = "image/png", Buffer = TestImages.PngWithText() });

        var thumbnails = chat.Page.Locator(".webchat__bubble--from-user img");
        await Expect(thumbnails).ToHaveCountAsync(2);
        // Shown from the service's own small copy (240 pixels wide), not the file picked (640 and 320 pixels).
        (await thumbnails.EvaluateAllAsync<int[]>("images => images.map(i => i.complete ? i.naturalWidth : 0)")).ShouldBe([240, 240]);
        await chat.AnswerAsync("done", "Who is this request for?");
        await chat.ChooseAsync("Myself", "What is your first name?");
        await chat.AnswerAsync("Jane", "What is your last name?");
        await chat.AnswerAsync("Smith", "What is your date of birth?");
        await chat.AnswerAsync("22/10/2010", "What is your gender?");
        await chat.ChooseAsync("Female", "What is your postcode?");
        await chat.AnswerAsync("LS1 6AE", "What UK phone number");
        await chat.AnswerAsync("0113 496 0000", "Please check your answers.");
        await chat.ChooseAsync("Submit", "Your reference is");
        var reference = await chat.ReferenceAsync();
        chat.ShouldHaveNoProblems();

        var request = (await host.Services.GetRequiredService<IRequestStore>().GetAsync(reference)).ShouldNotBeNull();
        request.Attachments.Select(a => (a.ContentType, a.Width, a.Height)).ShouldBe([("image/jpeg", 640, 480), ("image/png", 320, 240)]);
        using var staff = await StaffClient.SignInAsync(host, InboxTestSupport.RiversideStaff);
        var page = await staff.Http.GetStringAsync($"/inbox/requests/{reference}");
        page.ShouldContain("Photo 1 from the patient");
        page.ShouldContain("Photo 2 from the patient");
        var listed = JsonNode.Parse(await staff.Http.GetStringAsync($"/api/inbox/requests/{reference}"))!["attachments"]!.AsArray();
        listed.Select(a => a!["contentType"]!.GetValue<string>()).ShouldBe(["image/jpeg", "image/png"]);

        using var jpeg = await staff.Http.GetAsync($"/api/inbox/requests/{reference}/attachments/{request.Attachments[0].Id}");
        jpeg.StatusCode.ShouldBe(HttpStatusCode.OK);
        jpeg.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        var served = await jpeg.Content.ReadAsByteArrayAsync();
        PhotoCheck.Sniff(served).ShouldBe(PhotoCheck.Jpeg);
        TestImages.JpegSegments(served).ShouldNotContain((byte)0xE1, "no APP1 segment: no EXIF, GPS or XMP");
        TestImages.Contains(served, "Exif").ShouldBeFalse();
        TestImages.Contains(served, TestImages.GpsMarker).ShouldBeFalse();
        var stored = (await host.Services.GetRequiredService<IAttachmentStore>().GetAsync(request.Attachments[0].Id)).ShouldNotBeNull();
        stored.Content.ShouldBe(served);
        using var png = await staff.Http.GetAsync($"/api/inbox/requests/{reference}/attachments/{request.Attachments[1].Id}");
        TestImages.PngChunks(await png.Content.ReadAsByteArrayAsync()).ShouldNotContain("tEXt");
    }

    [Fact]
    public async Task Bad_files_uploaded_with_the_widget_are_refused_with_their_reasons_and_nothing_is_kept()
    {
        await using var host = await StartAsync();
        var chat = await ToPhotosAsync(host);
        await chat.ChooseAsync("Yes, add photos", "Send your photos now.");
        var jpeg = TestImages.Jpeg();

        await UploadAsync(chat, "Send your photos now.",
            new FilePayload { Name = "rash.jpg", MimeType = "image/jpeg", Buffer = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray() },
            new FilePayload { Name = "letter.png", MimeType = "image/png", Buffer = "%PDF-1.7\n"u8.ToArray() },
            new FilePayload { Name = "cut.jpg", MimeType = "image/jpeg", Buffer = jpeg[..(jpeg.Length / 2)] },
            new FilePayload { Name = "huge.jpg", MimeType = "image/jpeg", Buffer = [.. jpeg, .. new byte[PhotoCheck.MaxBytes]] });

        var said = string.Join("\n", await chat.BotMessages.AllInnerTextsAsync());
        said.ShouldContain(PhotoCheck.NotAPhoto);
        said.ShouldContain(PhotoCheck.Broken);
        said.ShouldContain(PhotoCheck.TooBig);
        said.ShouldNotContain("added.");
        await Expect(chat.Page.Locator(".webchat__bubble--from-user img")).ToHaveCountAsync(0);

        for (var i = 1; i <= PhotoCheck.MaxPhotos; i++)
        {
            await UploadAsync(chat, $"Photo {i} added.", new FilePayload { Name = $"photo-{i}.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg() });
        }

        await UploadAsync(chat, PhotoCheck.TooMany, new FilePayload { Name = "photo-6.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg() });
        await chat.AnswerAsync("done", "Who is this request for?");
        chat.ShouldHaveNoProblems();
    }

    private async Task<ServiceHost> StartAsync() =>
        await ServiceHost.StartAsync(WebChatTestSupport.Settings(("Demo:StaffPassword", InboxTestSupport.DemoPassword)));

    private async Task<BrowserChat> ToPhotosAsync(ServiceHost host)
    {
        var chat = await BrowserChat.OpenAsync(browser, host, polling: true);
        await chat.ChooseAsync("No, it's not an emergency", "What is your request about?");
        await chat.ChooseAsync("Medical request (a new or ongoing health problem)", "Tell us about your request");
        await chat.AnswerAsync(Details, "Do you want to add photos?");
        return chat;
    }

    /// <summary>Picks files with the widget's own upload button (its file input), sends them with the Send button, and waits for the answer.</summary>
    private static async Task UploadAsync(BrowserChat chat, string expect, params FilePayload[] files)
    {
        var before = await chat.BotMessages.CountAsync();
        await chat.Page.Locator("input.webchat__upload-button--file-input").SetInputFilesAsync(files);
        await chat.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Send", Exact = true }).ClickAsync();
        await Expect(chat.BotMessages.Nth(before)).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        var answer = string.Empty;
        for (var waited = 0; waited < 300 && !answer.Contains(expect, StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100);
            answer = string.Join("\n", (await chat.BotMessages.AllInnerTextsAsync()).Skip(before));
        }

        answer.ShouldContain(expect);
    }
}
