using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using PatientContact.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// Photos by MMS through the signed webhook: the media fetched from the fake Twilio API on loopback (the configured
/// API host) with the account's credentials, kept without metadata, and deleted there; a media URL anywhere else is
/// never fetched.
/// </summary>
public sealed class SmsPhotoTests : IAsyncLifetime
{
    private const string Riverside = SmsHost.Riverside;
    private TwilioApiFake _twilio = null!;
    private TwilioApiFake _elsewhere = null!;
    private ServiceHost _host = null!;
    private TwilioSms _sms = null!;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioApiFake.StartAsync();
        _elsewhere = await TwilioApiFake.StartAsync(_twilio.AccountSid, _twilio.AuthToken);
        _host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = _twilio.AccountSid,
            ["Twilio:AuthToken"] = _twilio.AuthToken,
            ["Twilio:ApiBaseUrl"] = _twilio.BaseUrl.ToString(),
            ["Demo:StaffPassword"] = InboxTestSupport.DemoPassword,
        });
        _sms = new TwilioSms(_host, _twilio.AuthToken);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    [Fact]
    public async Task An_mms_photo_lands_on_the_request_without_gps_and_is_deleted_from_twilio()
    {
        const string from = "+447700900251";
        await _sms.TextAsync(from, Riverside, "Hello", "1", "1", "I have a rash on my arm that has spread over three days.");

        var messageSid = TwilioSms.NewMessageSid();
        var url = _twilio.AddMedia(messageSid, TestImages.JpegWithGps());
        var reply = await PostMmsAsync(from, messageSid, url);

        reply.Message!.ShouldContain("Photo 1 added.");
        _twilio.Media.ShouldBeEmpty("the media was deleted from Twilio");
        var calls = _twilio.Requests.Where(r => r.Path.Contains("/Media/", StringComparison.Ordinal)).Select(r => (r.Method, r.Answer)).ToList();
        calls.ShouldBe([("GET", 200), ("DELETE", 204)]);

        var replies = await _sms.TextAsync(from, Riverside, "done", "1", "Jane", "Smith", "22/10/2010", "1", "ls1 6ae", "07700 900251", "1", "1");
        var request = await RequestFromAsync(replies[^1].Message);
        request.Attachments.Count.ShouldBe(1);
        var stored = await _host.Services.GetRequiredService<IAttachmentStore>().GetAsync(request.Attachments[0].Id);
        stored!.Info.ContentType.ShouldBe("image/jpeg");
        TestImages.JpegSegments(stored.Content).ShouldNotContain((byte)0xE1);
        TestImages.Contains(stored.Content, TestImages.GpsMarker).ShouldBeFalse();
    }

    [Fact]
    public async Task Staff_of_the_service_see_the_photo_served_so_it_runs_nothing_and_each_view_is_audited_other_services_get_404()
    {
        const string from = "+447700900254";
        await _sms.TextAsync(from, Riverside, "Hello", "1", "1", "I have a rash on my arm that has spread over three days.");
        var messageSid = TwilioSms.NewMessageSid();
        (await PostMmsAsync(from, messageSid, _twilio.AddMedia(messageSid, TestImages.PngWithText(), "image/png"))).Message!.ShouldContain("Photo 1 added.");
        var replies = await _sms.TextAsync(from, Riverside, "done", "1", "Jane", "Smith", "22/10/2010", "1", "ls1 6ae", "07700 900254", "1", "1");
        var request = await RequestFromAsync(replies[^1].Message);
        var photo = request.Attachments.ShouldHaveSingleItem();
        using var staff = await StaffClient.SignInAsync(_host, InboxTestSupport.RiversideStaff);
        using var other = await StaffClient.SignInAsync(_host, InboxTestSupport.NorthsideStaff);

        var listed = JsonNode.Parse(await staff.Http.GetStringAsync($"/api/inbox/requests/{request.ReferenceId}"))!["attachments"]!.AsArray().ShouldHaveSingleItem()!;
        listed["id"]!.GetValue<string>().ShouldBe(photo.Id);
        listed["contentType"]!.GetValue<string>().ShouldBe("image/png");
        (listed["width"]!.GetValue<int>(), listed["height"]!.GetValue<int>()).ShouldBe((320, 240));
        var page = await staff.Http.GetStringAsync($"/inbox/requests/{request.ReferenceId}");
        page.ShouldContain($"src=\"/api/inbox/requests/{request.ReferenceId}/attachments/{photo.Id}?view=thumbnail\"");
        page.ShouldContain("alt=\"Photo 1 from the patient (opens the full image)\"");

        using var image = await staff.Http.GetAsync($"/api/inbox/requests/{request.ReferenceId}/attachments/{photo.Id}");
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        image.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        var csp = image.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("sandbox");
        image.Content.Headers.ContentDisposition!.ToString().ShouldBe($"inline; filename=\"{request.ReferenceId}-photo-1.png\"");
        var bytes = await image.Content.ReadAsByteArrayAsync();
        PatientContact.Inbox.Attachments.PhotoCheck.Sniff(bytes).ShouldBe("image/png");
        TestImages.PngChunks(bytes).ShouldNotContain("tEXt");

        (await other.Http.GetAsync($"/api/inbox/requests/{request.ReferenceId}/attachments/{photo.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await staff.Http.GetAsync($"/api/inbox/requests/{request.ReferenceId}/attachments/{new string('0', 32)}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var anonymous = StaffClient.Anonymous(_host))
        {
            (await anonymous.Http.GetAsync($"/api/inbox/requests/{request.ReferenceId}/attachments/{photo.Id}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var views = (await InboxTestSupport.AuditAsync(_host, request.ReferenceId)).Where(a => a.Action == AuditActions.AttachmentViewed).ToList();
        views.Select(v => (v.Actor, v.Detail)).ShouldBe([(InboxTestSupport.RiversideStaff, $"{photo.Id} full")]);

        // The page's thumbnail: a small JPEG of its own, audited as the thumbnail view.
        using var thumbnail = await staff.Http.GetAsync($"/api/inbox/requests/{request.ReferenceId}/attachments/{photo.Id}?view=thumbnail");
        thumbnail.StatusCode.ShouldBe(HttpStatusCode.OK);
        thumbnail.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        thumbnail.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("sandbox");
        var small = PatientContact.Inbox.Attachments.PhotoCheck.Inspect(await thumbnail.Content.ReadAsByteArrayAsync()).Photo.ShouldNotBeNull();
        small.ContentType.ShouldBe("image/jpeg");
        small.Width.ShouldBeLessThanOrEqualTo(240);
        (small.Width, small.Height).ShouldBe((240, 180));
        (await InboxTestSupport.AuditAsync(_host, request.ReferenceId)).Where(a => a.Action == AuditActions.AttachmentViewed).Select(v => v.Detail)
            .ShouldBe([$"{photo.Id} full", $"{photo.Id} thumbnail"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_media_url_on_another_host_is_refused_and_never_fetched()
    {
        const string from = "+447700900252";
        await _sms.TextAsync(from, Riverside, "Hello", "1", "1", "I have a rash on my arm that has spread over three days.");

        var messageSid = TwilioSms.NewMessageSid();
        var url = _elsewhere.AddMedia(messageSid, TestImages.Jpeg());
        var reply = await PostMmsAsync(from, messageSid, url);

        reply.Message!.ShouldContain("We could not get that picture.");
        _elsewhere.Requests.ShouldBeEmpty("nothing was fetched from another host");
        _twilio.Requests.ShouldBeEmpty();
        var conversation = await _host.Services.GetRequiredService<IConversationStore>().GetAsync($"sms:riverside-gp:{from}");
        conversation!.DataText.ShouldNotContain("image/jpeg");
    }

    [Fact]
    public async Task A_media_redirect_to_plain_http_on_another_host_is_not_followed_and_nothing_is_kept()
    {
        // Twilio's content store is https; a 307 to another loopback server over http is not followed, so neither
        // the credentials nor the request itself reach it.
        const string from = "+447700900254";
        await _sms.TextAsync(from, Riverside, "Hello", "1", "1", "I have a rash on my arm that has spread over three days.");

        var messageSid = TwilioSms.NewMessageSid();
        var url = _twilio.AddRedirectedMedia(messageSid, _elsewhere.AddMedia(messageSid, TestImages.Jpeg()));
        var reply = await PostMmsAsync(from, messageSid, url);

        reply.Message!.ShouldContain("We could not get that picture. Please try sending it again.");
        _elsewhere.Requests.ShouldBeEmpty("the redirect to another host over http was not followed");
        _twilio.Requests.Where(r => r.Method == "GET").ShouldHaveSingleItem().Authorization.ShouldStartWith("Basic ");
        var conversation = await _host.Services.GetRequiredService<IConversationStore>().GetAsync($"sms:riverside-gp:{from}");
        conversation!.DataText.ShouldNotContain("image/jpeg");
    }

    [Fact]
    public async Task An_mms_that_is_not_a_photo_is_refused_with_its_reason_and_still_deleted()
    {
        const string from = "+447700900253";
        await _sms.TextAsync(from, Riverside, "Hello", "1", "1", "I have a rash on my arm that has spread over three days.");

        var messageSid = TwilioSms.NewMessageSid();
        var url = _twilio.AddMedia(messageSid, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "image/jpeg");
        var reply = await PostMmsAsync(from, messageSid, url);

        reply.Message!.ShouldStartWith("That file is not a photo we can take.");
        reply.Message!.ShouldNotContain("Photo 1 added.");
        _twilio.Media.ShouldBeEmpty();
    }

    private async Task<SmsReply> PostMmsAsync(string from, string messageSid, string mediaUrl)
    {
        var fields = TwilioSms.Fields(messageSid, from, Riverside, string.Empty);
        fields.RemoveAll(f => f.Key == "NumMedia");
        fields.Add(new("NumMedia", "1"));
        fields.Add(new("MediaContentType0", "image/jpeg"));
        fields.Add(new("MediaUrl0", mediaUrl));
        var signature = (await _sms.SignAsync([(_sms.WebhookUrl, fields)]))[0];
        var reply = await _sms.PostAsync(fields, signature);
        reply.Status.ShouldBe(HttpStatusCode.OK);
        return reply;
    }

    private async Task<PatientContact.Inbox.Requests.ContactRequest> RequestFromAsync(string? reply)
    {
        var reference = System.Text.RegularExpressions.Regex.Match(reply ?? string.Empty, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;
        reference.ShouldNotBeEmpty($"no reference in: {reply}");
        return (await _host.Services.GetRequiredService<IRequestStore>().GetAsync(reference))!;
    }
}
