using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Conversation.Channels.Form;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Storage;
using PatientContact.Tests.Support;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Form;

/// <summary>
/// Photos through the form's file input and staff entry's, over real HTTP as a browser sends them (multipart): kept
/// without metadata and shown to the request's staff; bad files refused by name with their reasons and nothing kept;
/// a photos post from a conversation not at that step, or with a forged token, or too large, changes nothing.
/// </summary>
public sealed class FormPhotoTests : IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_jpeg_with_gps_and_a_png_sent_with_the_form_reach_staff_and_the_stored_jpeg_has_no_exif_or_gps()
    {
        using var form = await ToPhotosAsync();
        form.Page.Heading.ShouldBe("Add photos");
        form.Page.Html.ShouldContain("enctype=\"multipart/form-data\"");
        form.Page.Html.ShouldContain("accept=\"image/jpeg,image/png\"");
        form.Page.Text.ShouldContain("Never send photos of intimate (private) areas");
        form.Page.Text.ShouldContain("You have not added any photos yet.");

        var page = await form.SendPhotosAsync("add", ("rash-close.jpg", TestImages.JpegWithGps()), ("rash-wide.png", TestImages.PngWithText()));
        page.Status.ShouldBe(HttpStatusCode.OK, page.Text);
        page.Path.ShouldBe("/c/riverside-gp/form/photos");
        page.Text.ShouldContain("Photo 1 added.");
        page.Text.ShouldContain("Photo 2 added.");
        page.Text.ShouldContain("You have added 2 photos.");
        page = await form.SendPhotosAsync(null);
        page.Step.ShouldBe("proxy");
        var reference = await FinishAsync(form);

        var request = await MatchedAsync(_host, reference);
        request.Attachments.Select(a => (a.ContentType, a.Width, a.Height)).ShouldBe([("image/jpeg", 640, 480), ("image/png", 320, 240)]);
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);
        var detail = await staff.Http.GetStringAsync($"/inbox/requests/{reference}");
        detail.ShouldContain("Photo 1 from the patient");
        detail.ShouldContain("Photo 2 from the patient");
        var listed = JsonNode.Parse(await staff.Http.GetStringAsync($"/api/inbox/requests/{reference}"))!["attachments"]!.AsArray();
        listed.Select(a => a!["contentType"]!.GetValue<string>()).ShouldBe(["image/jpeg", "image/png"]);

        using var jpeg = await staff.Http.GetAsync($"/api/inbox/requests/{reference}/attachments/{request.Attachments[0].Id}");
        jpeg.StatusCode.ShouldBe(HttpStatusCode.OK);
        var served = await jpeg.Content.ReadAsByteArrayAsync();
        PhotoCheck.Sniff(served).ShouldBe(PhotoCheck.Jpeg);
        TestImages.JpegSegments(served).ShouldNotContain((byte)0xE1, "no APP1 segment: no EXIF, GPS or XMP");
        TestImages.Contains(served, "Exif").ShouldBeFalse();
        TestImages.Contains(served, TestImages.GpsMarker).ShouldBeFalse();
        var stored = (await _host.Services.GetRequiredService<IAttachmentStore>().GetAsync(request.Attachments[0].Id)).ShouldNotBeNull();
        stored.Content.ShouldBe(served);
        using var png = await staff.Http.GetAsync($"/api/inbox/requests/{reference}/attachments/{request.Attachments[1].Id}");
        TestImages.PngChunks(await png.Content.ReadAsByteArrayAsync()).ShouldNotContain("tEXt");
    }

    [Fact]
    public async Task Bad_files_are_refused_by_name_with_their_reasons_and_nothing_is_kept()
    {
        using var form = await ToPhotosAsync();
        var jpeg = TestImages.Jpeg();

        var page = await form.SendPhotosAsync("add",
            ("rash.jpg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray()),
            ("letter.png", "%PDF-1.7\n"u8.ToArray()),
            ("cut.jpg", jpeg[..(jpeg.Length / 2)]),
            ("huge.jpg", [.. jpeg, .. new byte[PhotoCheck.MaxBytes]]));
        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Step.ShouldBe("photos");
        page.Problems.ShouldBe([
            $"rash.jpg: {PhotoCheck.NotAPhoto}",
            $"letter.png: {PhotoCheck.NotAPhoto}",
            $"cut.jpg: {PhotoCheck.Broken}",
            $"huge.jpg: {PhotoCheck.TooBig}",
        ]);
        page.Html.ShouldNotContain("<script>alert");
        page.Text.ShouldContain("You have not added any photos yet.");
        (await StoredPhotosAsync()).ShouldBe(0);

        // "Add photos" with nothing chosen says so; Continue then would carry on without any.
        page = await form.SendPhotosAsync("add");
        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Problems.ShouldBe([FormFlow.ChooseAPhoto]);

        // Six at once: five kept, the sixth refused with the limit, and Continue did not carry on past it.
        page = await form.SendPhotosAsync(null, [.. Enumerable.Range(1, 6).Select(i => ($"photo-{i}.jpg", TestImages.Jpeg()))]);
        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Step.ShouldBe("photos");
        page.Problems.ShouldBe(["You have already added 5 photos, the most we can take. Choose Continue to carry on."]);
        page.Text.ShouldContain("Photo 5 added.");
        (await StoredPhotosAsync()).ShouldBe(PhotoCheck.MaxPhotos);
        (await form.SendPhotosAsync(null)).Step.ShouldBe("proxy");
        var request = await MatchedAsync(_host, await FinishAsync(form));
        request.Attachments.Count.ShouldBe(PhotoCheck.MaxPhotos);
    }

    [Fact]
    public async Task A_photos_post_not_at_the_photos_step_forged_or_too_large_changes_nothing()
    {
        // No conversation: the start page; at another step: that step's page. Nothing is run or kept either way.
        using var stranger = new FormClient(_host);
        var none = await stranger.Browser.PostAsync("/c/riverside-gp/form/photos", Photos(("photo.jpg", TestImages.Jpeg())));
        none.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        none.Headers.Location!.OriginalString.ShouldBe("/c/riverside-gp/form");

        using var form = new FormClient(_host);
        await form.StartAsync();
        await form.AnswerAsync("1");
        await form.AnswerAsync("1");
        form.Page.Step.ShouldBe("details");
        var early = await form.Browser.PostAsync("/c/riverside-gp/form/photos", Photos(("photo.jpg", TestImages.Jpeg()), ("__RequestVerificationToken", form.Page.Token)));
        early.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        early.Headers.Location!.OriginalString.ShouldBe("/c/riverside-gp/form/details");
        (await StoredPhotosAsync()).ShouldBe(0);

        form.SaysNoToPhotos = false;
        await form.AnswerAsync("My rash has spread over three days.");
        await form.AnswerAsync("1");
        form.Page.Heading.ShouldBe("Add photos");

        // Without the page's anti-forgery token: refused, nothing kept.
        var forged = await form.Browser.PostAsync("/c/riverside-gp/form/photos", Photos(("photo.jpg", TestImages.Jpeg()), ("step", "photos"), ("inputId", "0123456789ab")));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.Content.ReadAsStringAsync()).ShouldContain("The form was not sent from this site");

        // More than the page takes at all: 413 with a page saying so, not an error (refused from its length, before it is sent).
        using var huge = Photos(("big.jpg", new byte[PhotoForm.MaxBytes + 1]), ("__RequestVerificationToken", form.Page.Token));
        var tooLarge = await form.Browser.PostAsync("/c/riverside-gp/form/photos", huge, expectContinue: true);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await tooLarge.Content.ReadAsStringAsync()).ShouldContain(System.Net.WebUtility.HtmlEncode(PhotoForm.TooLarge));
        (await StoredPhotosAsync()).ShouldBe(0);

        // The page is still there to use.
        (await form.GetAsync("/c/riverside-gp/form/photos")).Heading.ShouldBe("Add photos");
        (await form.SendPhotosAsync("add", ("photo.jpg", TestImages.Jpeg()))).Text.ShouldContain("Photo 1 added.");
        (await StoredPhotosAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Staff_entering_a_request_add_a_photo_the_patient_brought_in()
    {
        using var reception = new FormClient(_host, "/inbox/new") { SaysNoToPhotos = false };
        await reception.SignInAsync(RiversideStaff);
        await reception.StartAsync("/inbox/new", ("service", "riverside-gp"));
        await reception.AnswerAsync("1");
        await reception.AnswerAsync("1");
        await reception.AnswerAsync("Came in: a rash on her arm that has spread over three days.");
        (await reception.AnswerAsync("1")).Path.ShouldBe("/inbox/new/photos");
        reception.Page.Html.ShouldContain("action=\"/inbox/new/photos\"");

        var page = await reception.SendPhotosAsync(null, ("arm.jpg", TestImages.JpegWithGps()));
        page.Step.ShouldBe("proxy", page.Text);
        foreach (var answer in (string[])["1", "Jane", "Smith"])
        {
            await reception.AnswerAsync(answer);
        }

        await reception.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        await reception.AnswerAsync("1");
        await reception.AnswerAsync("LS1 6AE");
        await reception.AnswerAsync("07700 900123");
        await reception.AnswerAsync("1");
        await reception.AnswerAsync(("answer", ""), ("command", "identity-checked"));
        await reception.AnswerAsync("1");
        page = await reception.AnswerAsync("1");
        page.Path.ShouldBe("/inbox/new/submitted");
        var reference = System.Text.RegularExpressions.Regex.Match(page.Html, "id=\"reference-id\">([0-9A-Z]{4}-[0-9A-Z]{4})<").Groups[1].Value;

        var request = await MatchedAsync(_host, reference);
        var photo = request.Attachments.ShouldHaveSingleItem();
        photo.ContentType.ShouldBe("image/jpeg");
        var stored = (await _host.Services.GetRequiredService<IAttachmentStore>().GetAsync(photo.Id)).ShouldNotBeNull();
        TestImages.Contains(stored.Content, TestImages.GpsMarker).ShouldBeFalse();
    }

    /// <summary>A patient on the form at the photos step, having chosen to add some (a medical request, which takes them).</summary>
    private async Task<FormClient> ToPhotosAsync()
    {
        var form = new FormClient(_host) { SaysNoToPhotos = false };
        await form.StartAsync();
        await form.AnswerAsync("1");
        await form.AnswerAsync("1");
        var page = await form.AnswerAsync("I have a rash on my arm that has spread over three days.");
        page.Step.ShouldBe("photos");
        page.Heading.ShouldStartWith("Do you want to add photos?");
        page = await form.AnswerAsync("1");
        page.Path.ShouldBe("/c/riverside-gp/form/photos");
        return form;
    }

    /// <summary>From who the request is for to the reference ID, as Jane Smith.</summary>
    private static async Task<string> FinishAsync(FormClient form)
    {
        await FormHttpTests.WalkOnToReviewAsync(form);
        var page = await form.AnswerAsync("1");
        page.Path.ShouldBe("/c/riverside-gp/form/submitted");
        return System.Text.RegularExpressions.Regex.Match(page.Html, "id=\"reference-id\">([0-9A-Z]{4}-[0-9A-Z]{4})<").Groups[1].Value;
    }

    /// <summary>How many photos the SQLite file holds, read from the file itself.</summary>
    private async Task<long> StoredPhotosAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, "patientcontact.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attachments";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A multipart body as the photos page sends it: files under <c>photos</c>, and any fields.</summary>
    private static MultipartFormDataContent Photos((string Name, byte[] Content) file, params (string Key, string Value)[] fields)
    {
        var body = new MultipartFormDataContent();
        foreach (var (key, value) in fields)
        {
            body.Add(new StringContent(value), key);
        }

        body.Add(new ByteArrayContent(file.Content), PhotoForm.Field, file.Name);
        return body;
    }
}
