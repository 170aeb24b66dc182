using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Sms;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Messages;

/// <summary>
/// Messages on a request with the outbox in Send mode against a fake Twilio API on loopback: staff texts from the
/// inbox form and the API, Twilio's delivery reports (signed by Twilio's own Node library) moving them on, and the
/// patient's replies by text threaded onto the request.
/// </summary>
public sealed class TwoWayMessagesTests : IAsyncLifetime
{
    private TwilioApiFake _twilio = null!;
    private ServiceHost _host = null!;
    private TwilioSms _sms = null!;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioApiFake.StartAsync();
        _host = await ServiceHost.StartAsync(
            InboxTestSupport.Settings(
                ("Outbox:Mode", "Send"),
                ("Outbox:PollInterval", "00:00:00.100"),
                ("Twilio:AccountSid", _twilio.AccountSid),
                ("Twilio:AuthToken", _twilio.AuthToken)),
            services => services.PostConfigure<TwilioOptions>(o => o.ApiBaseUrl = _twilio.BaseUrl));
        _sms = new TwilioSms(_host, _twilio.AuthToken);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task Staff_texts_from_the_form_and_the_api_go_from_the_services_number_and_delivery_reports_move_them_on()
    {
        var reference = await SubmitBySmsAsync("+447700900701");
        using var staff = await StaffClient.SignInAsync(_host, InboxTestSupport.RiversideStaff);

        (await staff.ActAsync(reference, "texts", ("message", "Please ring us on 0113 496 0001."), ("sendId", "form-1"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        using var posted = await PostMessageAsync(staff, reference, "Your prescription is ready.");
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        var created = await posted.Content.ReadFromJsonAsync<JsonElement>();
        (created.GetProperty("direction").GetString(), created.GetProperty("status").GetString(), created.GetProperty("body").GetString())
            .ShouldBe(("out", "queued", "Your prescription is ready."));

        var sent = (await _twilio.WaitForRequestsAsync(2, TimeSpan.FromSeconds(20))).Where(r => r.Answer == 201).ToList();
        sent.Count.ShouldBe(2);
        foreach (var text in sent)
        {
            text.Form["To"].ShouldBe("+447700900701");
            text.Form["From"].ShouldBe(SmsHost.Riverside);
            text.Form["StatusCallback"].ShouldStartWith($"{_host.BaseAddress.ToString().TrimEnd('/')}/sms/twilio/status?message=");
        }

        var formText = sent.Single(r => r.Form["Body"] == "Please ring us on 0113 496 0001.");
        var apiText = sent.Single(r => r.Form["Body"] == "Your prescription is ready.");
        await ReportAsync(formText, "sent");
        await ReportAsync(formText, "delivered");
        // Late and repeated reports change nothing: "sent" after "delivered", "delivered" twice.
        await ReportAsync(formText, "sent");
        await ReportAsync(formText, "delivered");
        await ReportAsync(apiText, "sent");
        await ReportAsync(apiText, "failed", errorCode: 21610);

        var json = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}");
        var outbound = json.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "out" && m.GetProperty("channel").GetString() == "sms").ToList();
        outbound.Select(m => (m.GetProperty("body").GetString(), m.GetProperty("status").GetString())).ShouldBe(
        [
            ("Please ring us on 0113 496 0001.", "delivered"),
            ("Your prescription is ready.", "opted-out"),
        ]);
        outbound[1].GetProperty("error").GetString()!.ShouldContain("21610");

        // The thread on the page says what happened to each, and the number is now known to want no texts.
        var page = await (await staff.Http.GetAsync($"/inbox/requests/{reference}")).Content.ReadAsStringAsync();
        page.ShouldContain("Please ring us on 0113 496 0001.");
        page.ShouldContain("Delivered");
        page.ShouldContain("Not sent: the patient asked for no texts");
        using var refused = await PostMessageAsync(staff, reference, "One more thing");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("asked for no texts from this number: call them instead");
    }

    [Fact]
    public async Task A_reply_after_submission_lands_on_the_request_unread_gets_one_acknowledgement_and_starts_no_intake()
    {
        const string patient = "+447700900702";
        var reference = await SubmitBySmsAsync(patient);
        using var staff = await StaffClient.SignInAsync(_host, InboxTestSupport.RiversideStaff);

        var reply = TwilioSms.Fields(TwilioSms.NewMessageSid(), patient, SmsHost.Riverside, "Yes I have called 999, ambulance coming");
        var more = TwilioSms.Fields(TwilioSms.NewMessageSid(), patient, SmsHost.Riverside, "They have arrived now");
        var signatures = await _sms.SignAsync([(_sms.WebhookUrl, reply), (_sms.WebhookUrl, more)]);

        var first = await _sms.PostAsync(reply, signatures[0]);
        var retried = await _sms.PostAsync(reply, signatures[0]);
        var second = await _sms.PostAsync(more, signatures[1]);

        first.Message!.ShouldStartWith($"Thanks, we've added this to your request {reference} with Riverside GP Practice.");
        first.Message.ShouldContain("In an emergency call 999.");
        first.Message.ShouldContain("text NEW REQUEST");
        first.Message.ShouldNotContain("Welcome");
        retried.Message.ShouldBe(first.Message);
        second.Message.ShouldBeNull("one acknowledgement an hour");

        var json = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}");
        json.GetProperty("unread").GetBoolean().ShouldBeTrue();
        var inbound = json.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "in").ToList();
        inbound.Select(m => m.GetProperty("body").GetString()).ShouldBe(["Yes I have called 999, ambulance coming", "They have arrived now"]);
        inbound.ShouldAllBe(m => m.GetProperty("channel").GetString() == "sms" && m.GetProperty("status").ValueKind == JsonValueKind.Null);
        (await ConversationStepAsync(patient)).ShouldBe("submitted");

        // The list marks it; opening the request marks the replies read.
        (await (await staff.Http.GetAsync("/inbox")).Content.ReadAsStringAsync()).ShouldContain($"data-unread=\"{reference}\"");
        (await staff.Http.GetAsync($"/inbox/requests/{reference}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}")).GetProperty("unread").GetBoolean().ShouldBeFalse();
        (await (await staff.Http.GetAsync("/inbox")).Content.ReadAsStringAsync()).ShouldNotContain($"data-unread=\"{reference}\"");

        var fresh = await _sms.TextAsync(patient, SmsHost.Riverside, "new request");
        fresh[0].Message!.ShouldStartWith("Welcome to Riverside GP Practice.");
        (await ConversationStepAsync(patient)).ShouldBe("emergency");
        (await MessagesAsync(reference)).Count(m => m.Direction == MessageDirection.In).ShouldBe(2);
    }

    [Fact]
    public async Task Crisis_words_in_a_reply_give_the_advice_at_once_and_flag_the_request()
    {
        const string patient = "+447700900703";
        var reference = await SubmitBySmsAsync(patient);
        (await InboxTestSupport.RequestAsync(_host, reference)).RedFlags.ShouldBeEmpty();

        var reply = (await _sms.TextAsync(patient, SmsHost.Riverside, "i just want to end my life"))[0].Message!;

        // The urgent advice comes first, ahead of the acknowledgement.
        var acknowledgement = reply.IndexOf($"Thanks, we've added this to your request {reference}", StringComparison.Ordinal);
        acknowledgement.ShouldBeGreaterThan(0, reply);
        reply[..acknowledgement].ShouldContain("call 999");
        reply[..acknowledgement].ShouldContain("mental health option");
        var request = await InboxTestSupport.RequestAsync(_host, reference);
        request.RedFlags.Select(f => f.Id).ShouldBe(["suicidal-thoughts"]);
        (await MessagesAsync(reference)).Single(m => m.Direction == MessageDirection.In).RedFlagIds.ShouldBe(["suicidal-thoughts"]);

        // Within the hour there is no second acknowledgement, but advice is never held back.
        var again = (await _sms.TextAsync(patient, SmsHost.Riverside, "I have taken an overdose"))[0].Message!;
        again.ShouldNotContain("we've added this");
        again.ShouldNotBeNullOrWhiteSpace();
        (await InboxTestSupport.RequestAsync(_host, reference)).RedFlags.Select(f => f.Id).ShouldBe(["suicidal-thoughts", "overdose"]);
    }

    [Fact]
    public async Task A_picture_sent_as_a_reply_is_not_kept_the_patient_is_told_and_its_words_kept()
    {
        const string patient = "+447700900704";
        var reference = await SubmitBySmsAsync(patient);
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), patient, SmsHost.Riverside, "Here is the rash", numMedia: 1);

        var reply = await _sms.PostAsync(fields, (await _sms.SignAsync([(_sms.WebhookUrl, fields)]))[0]);

        reply.Message!.ShouldStartWith(PatientContact.Conversation.Intake.Steps.PhotosStep.NotAfterSending);
        reply.Message.ShouldContain($"we've added this to your request {reference}");
        var inbound = (await MessagesAsync(reference)).Single(m => m.Direction == MessageDirection.In);
        inbound.Body.ShouldStartWith("Here is the rash");
        inbound.Body.ShouldContain("Attachments cannot be received yet");
    }

    [Fact]
    public async Task Staff_of_another_service_get_404_from_the_new_endpoints_and_nothing_is_sent()
    {
        var reference = await SubmitBySmsAsync("+447700900705");
        await InboxTestSupport.AddStaffAsync(_host, "someone@northside.example", "northside-community");
        using var outsider = await StaffClient.SignInAsync(_host, "someone@northside.example");
        var before = _twilio.Requests.Count;

        using var api = await PostMessageAsync(outsider, reference, "Hello from the wrong service");
        var form = await outsider.ActAsync(reference, "texts", 1, ("message", "Hello"), ("sendId", "x-1"));
        var template = await outsider.Http.GetAsync($"/inbox/requests/{reference}?template=call-us");

        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        form.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        template.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await MessagesAsync(reference)).ShouldAllBe(m => m.Author == null);
        await Task.Delay(500);
        _twilio.Requests.Count.ShouldBe(before);
    }

    [Fact]
    public async Task The_api_refuses_a_text_without_the_anti_forgery_header_and_changes_nothing()
    {
        var reference = await SubmitBySmsAsync("+447700900706");
        using var staff = await StaffClient.SignInAsync(_host, InboxTestSupport.RiversideStaff);

        using var response = await staff.Http.PostAsJsonAsync($"/api/inbox/requests/{reference}/messages", new { body = "No token" });
        using var empty = await PostMessageAsync(staff, reference, "   ");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("Enter the text message.");
        (await MessagesAsync(reference)).ShouldAllBe(m => m.Author == null);
    }

    [Fact]
    public async Task A_status_callback_without_a_good_signature_is_refused_and_changes_nothing()
    {
        var reference = await SubmitBySmsAsync("+447700900707");
        using var staff = await StaffClient.SignInAsync(_host, InboxTestSupport.RiversideStaff);
        (await PostMessageAsync(staff, reference, "Hello")).StatusCode.ShouldBe(HttpStatusCode.Created);
        var sent = (await _twilio.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20))).Single(r => r.Answer == 201);
        var url = new Uri(sent.Form["StatusCallback"]);
        var fields = StatusFields(sent, "delivered", null);

        var unsigned = await _sms.PostAsync(fields, null, url.PathAndQuery);
        var forged = await _sms.PostAsync(fields, Convert.ToBase64String(new byte[20]), url.PathAndQuery);

        unsigned.Status.ShouldBe(HttpStatusCode.Forbidden);
        forged.Status.ShouldBe(HttpStatusCode.Forbidden);
        (await MessagesAsync(reference)).Single(m => m.Author is not null).Status.ShouldBe(DeliveryStatus.Queued);
    }

    private async Task<string> SubmitBySmsAsync(string patient)
    {
        // Texting from the number given shows the patient holds it: no code, and no confirmation text.
        var replies = await _sms.TextAsync(patient, SmsHost.Riverside,
            "hello", "1", "1", "I have had a cough for two weeks", "2", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "0" + patient[3..], "1", "1");
        var reference = System.Text.RegularExpressions.Regex.Match(replies[^1].Message!, "reference is (\\S{9})").Groups[1].Value;
        reference.Length.ShouldBe(9, replies[^1].Message);
        await InboxTestSupport.MatchedAsync(_host, reference);
        return reference;
    }

    private static async Task<HttpResponseMessage> PostMessageAsync(StaffClient staff, string reference, string body)
    {
        var antiforgery = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/inbox/requests/{reference}/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { body }), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(antiforgery.GetProperty("headerName").GetString()!, antiforgery.GetProperty("token").GetString());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await staff.Http.SendAsync(request);
    }

    /// <summary>Posts Twilio's delivery report for a text to the address the text gave, signed by Twilio's library.</summary>
    private async Task ReportAsync(TwilioApiRequest text, string status, int? errorCode = null)
    {
        var url = text.Form["StatusCallback"];
        var fields = StatusFields(text, status, errorCode);
        var signature = (await TwilioPeer.SignAsync(_twilio.AuthToken, [(url, fields)]))[0];
        var answer = await _sms.PostAsync(fields, signature, new Uri(url).PathAndQuery);
        answer.Status.ShouldBe(HttpStatusCode.NoContent, answer.Body);
    }

    /// <summary>The fields Twilio posts to a StatusCallback.</summary>
    private List<KeyValuePair<string, string>> StatusFields(TwilioApiRequest text, string status, int? errorCode)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("SmsSid", text.Sid!),
            new("SmsStatus", status),
            new("MessageStatus", status),
            new("To", text.Form["To"]),
            new("MessageSid", text.Sid!),
            new("AccountSid", _twilio.AccountSid),
            new("From", text.Form["From"]),
            new("ApiVersion", "2010-04-01"),
        };
        if (errorCode is { } code)
        {
            fields.Add(new("ErrorCode", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return fields;
    }

    private async Task<string?> ConversationStepAsync(string patient) =>
        (await _host.Services.GetRequiredService<IConversationStore>().GetAsync($"sms:riverside-gp:{patient}"))?.State;

    private Task<IReadOnlyList<RequestMessage>> MessagesAsync(string reference) =>
        _host.Services.GetRequiredService<IMessageStore>().ListForRequestAsync(reference);
}
