using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Attachments;
using PatientContact.Tests.Support;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>The photos step over the engine, with the demo rules (the medical request and the flare-up allow photos).</summary>
public sealed class PhotosStepTests : IDisposable
{
    private readonly EngineHarness _harness = new() { SaysNoToPhotos = false };

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Photos_question_follows_the_details_with_plain_guidance_and_no_goes_on_to_who_it_is_for()
    {
        var patient = await ToPhotosAsync();

        patient.Said.ShouldContain("Do you want to add photos?");
        patient.Choices.Select(c => c.Label).ShouldBe(["Yes, add photos", "No"]);

        await patient.SayAsync("1");
        patient.Step.ShouldBe("photos");
        patient.Said.ShouldContain("good light");
        patient.Said.ShouldContain("close up and one from further away");
        patient.Said.ShouldContain("Never send photos of intimate (private) areas: staff will arrange another way");
        patient.Said.ShouldContain("Staff do not look at photos straight away");

        await patient.SayAsync("done");
        patient.Step.ShouldBe("proxy");
    }

    [Fact]
    public async Task An_admin_request_is_not_asked_for_photos()
    {
        var patient = _harness.Patient();
        await patient.OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("2");
        await patient.SayAsync("I need a fit note for work please.");

        patient.Step.ShouldBe("proxy");
    }

    [Fact]
    public async Task A_jpeg_with_gps_and_a_png_are_kept_without_metadata_and_reach_the_request()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");

        await SendAsync(patient, "in-photo-1", TestImages.JpegWithGps());
        patient.Said.ShouldContain("Photo 1 added.");
        await SendAsync(patient, "in-photo-2", TestImages.PngWithText());
        patient.Said.ShouldContain("Photo 2 added.");
        patient.Said.ShouldContain("You have added 2 photos.");
        await patient.SayAsync("done");
        await ToReviewFromProxyAsync(patient);
        await patient.SayAsync("1");
        patient.Step.ShouldBe("submitted");

        var reference = System.Text.RegularExpressions.Regex.Match(patient.Said, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;
        var request = await _harness.Requests.GetAsync(reference);
        request!.Attachments.Select(a => (a.ContentType, a.Width, a.Height)).ShouldBe([("image/jpeg", 640, 480), ("image/png", 320, 240)]);
        var jpeg = await _harness.Attachments.GetAsync(request.Attachments[0].Id);
        TestImages.JpegSegments(jpeg!.Content).ShouldNotContain((byte)0xE1);
        TestImages.Contains(jpeg.Content, "Exif").ShouldBeFalse();
        TestImages.Contains(jpeg.Content, TestImages.GpsMarker).ShouldBeFalse();
        var png = await _harness.Attachments.GetAsync(request.Attachments[1].Id);
        TestImages.PngChunks(png!.Content).ShouldNotContain("tEXt");
    }

    [Fact]
    public async Task Bad_files_are_refused_each_with_its_reason_and_nothing_is_stored()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");
        var jpeg = TestImages.Jpeg();
        var files = new Dictionary<string, byte[]>
        {
            ["svg"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(),
            ["pdf"] = "%PDF-1.7\n%\u00e2\u00e3"u8.ToArray(),
            ["broken"] = jpeg[..(jpeg.Length / 2)],
            ["big"] = [.. jpeg, .. new byte[PhotoCheck.MaxBytes]],
        };

        var replies = new List<string>();
        foreach (var (name, bytes) in files)
        {
            await SendAsync(patient, "in-" + name, bytes, name);
            replies.Add(patient.Said);
        }

        replies[0].ShouldContain(PhotoCheck.NotAPhoto);
        replies[1].ShouldContain(PhotoCheck.NotAPhoto);
        replies[2].ShouldContain(PhotoCheck.Broken);
        replies[3].ShouldContain(PhotoCheck.TooBig);
        patient.Step.ShouldBe("photos");
        foreach (var name in files.Keys)
        {
            (await _harness.Attachments.GetAsync(IncomingPhoto.IdFor(patient.Key, "in-" + name, 0))).ShouldBeNull();
        }
    }

    [Fact]
    public async Task A_sixth_photo_is_refused_with_the_limit_and_not_stored()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");
        for (var i = 1; i <= 5; i++)
        {
            await SendAsync(patient, $"in-photo-{i}", TestImages.Jpeg());
        }

        await SendAsync(patient, "in-photo-6", TestImages.Jpeg());

        patient.Said.ShouldContain(PhotoCheck.TooMany);
        (await _harness.Attachments.GetAsync(IncomingPhoto.IdFor(patient.Key, "in-photo-6", 0))).ShouldBeNull();
        (await _harness.Attachments.GetAsync(IncomingPhoto.IdFor(patient.Key, "in-photo-5", 0))).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_photo_sent_at_another_step_is_not_kept_and_the_patient_is_told()
    {
        var patient = _harness.Patient();
        await patient.OpenAsync();
        await patient.SayAsync("1");

        await SendAsync(patient, "in-early", TestImages.Jpeg());

        patient.Said.ShouldContain(PhotosStep.NotNow);
        patient.Step.ShouldBe("request-type");
        (await _harness.Attachments.GetAsync(IncomingPhoto.IdFor(patient.Key, "in-early", 0))).ShouldBeNull();
    }

    [Fact]
    public async Task Starting_again_deletes_the_photos_of_the_request_not_sent()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");
        await SendAsync(patient, "in-photo-1", TestImages.Jpeg());
        var id = IncomingPhoto.IdFor(patient.Key, "in-photo-1", 0);
        (await _harness.Attachments.GetAsync(id)).ShouldNotBeNull();

        await patient.SayAsync("restart");

        (await _harness.Attachments.GetAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_conversation_loses_its_photos_with_its_answers()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");
        await SendAsync(patient, "in-photo-1", TestImages.Jpeg());
        var id = IncomingPhoto.IdFor(patient.Key, "in-photo-1", 0);

        _harness.Clock.Advance(_harness.Options.IdleTimeout + TimeSpan.FromMinutes(1));
        var record = await _harness.Conversations.GetAsync(patient.Key);
        (await _harness.Engine.ExpireAsync(record!)).ShouldBeTrue();

        (await _harness.Attachments.GetAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task A_retried_photo_message_keeps_the_photo_once()
    {
        var patient = await ToPhotosAsync();
        await patient.SayAsync("yes");

        await SendAsync(patient, "in-photo-1", TestImages.Jpeg());
        await SendAsync(patient, "in-photo-1", TestImages.Jpeg());
        await SendAsync(patient, "in-photo-2", TestImages.Jpeg());

        patient.Said.ShouldContain("Photo 2 added.");
    }

    private async Task<PatientSession> ToPhotosAsync()
    {
        var patient = _harness.Patient();
        await patient.OpenAsync();
        await patient.SayAsync("1");
        await patient.SayAsync("1");
        await patient.SayAsync("I have a rash on my arm that has spread over three days.");
        patient.Step.ShouldBe("photos");
        return patient;
    }

    private static async Task ToReviewFromProxyAsync(PatientSession patient)
    {
        patient.Step.ShouldBe("proxy");
        foreach (var answer in new[] { "Myself", "Jane", "Smith", "22/10/2010", "Female", "ls1 6ae", "0113 496 0000" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("review");
    }

    private async Task SendAsync(PatientSession patient, string inputId, byte[] file, string? _ = null)
    {
        var photo = new IncomingPhoto(IncomingPhoto.IdFor(patient.Key, inputId, 0), PhotoCheck.Inspect(file));
        await patient.SendPhotosAsync(inputId, [photo], _harness.Engine);
    }
}
