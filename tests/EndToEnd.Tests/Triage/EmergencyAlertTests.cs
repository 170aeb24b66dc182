using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Sms;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;
using static PatientContact.EndToEnd.Tests.Triage.TriageSeed;

namespace PatientContact.EndToEnd.Tests.Triage;

/// <summary>An emergency red flag: the banner on every inbox page of the service until someone opens it, and the duty text through Twilio.</summary>
public sealed class EmergencyAlertTests
{
    private const string Banner = "id=\"emergency-alert\"";

    [Fact]
    public async Task Emergency_request_is_on_every_inbox_page_of_its_service_until_someone_opens_it_and_who_opened_it_is_audited()
    {
        await using var host = await TriageSeed.StartAsync();
        using var staff = await StaffClient.SignInAsync(host, RiversideStaff);
        using var colleague = await StaffClient.SignInAsync(host, Colleague);
        using var northside = await StaffClient.SignInAsync(host, NorthsideStaff);

        foreach (var path in new[] { "/inbox", "/inbox?status=done", "/inbox/links", "/inbox/reports", $"/inbox/requests/{Ref(1)}", "/inbox/requests/ZZZZ-ZZZZ" })
        {
            var html = await (await staff.Http.GetAsync(path)).Content.ReadAsStringAsync();
            html.ShouldContain(Banner, customMessage: path);
            html.ShouldContain("1 request with an emergency red flag has not been opened yet", customMessage: path);
            html.ShouldContain($"<a class=\"nhsuk-notification-banner__link\" href=\"/inbox/requests/{Ref(3)}\">{Ref(3)}</a>: Chest pain, received", customMessage: path);
            // Opened already, or another service's: not on Riverside's banner.
            html.ShouldNotContain($"href=\"/inbox/requests/{Ref(4)}\">{Ref(4)}</a>: ", customMessage: path);
            html.ShouldNotContain(Ref(10), customMessage: path);
        }

        var theirs = await (await northside.Http.GetAsync("/inbox")).Content.ReadAsStringAsync();
        theirs.ShouldContain($"href=\"/inbox/requests/{Ref(10)}\">{Ref(10)}</a>: Chest pain");
        theirs.ShouldNotContain(Ref(3));

        // A colleague opens it: from then on nobody's inbox shows it, the page says who first opened it, and the trail has it once.
        var opened = await (await colleague.Http.GetAsync($"/inbox/requests/{Ref(3)}")).Content.ReadAsStringAsync();
        opened.ShouldNotContain(Banner);
        opened.ShouldContain("<dd class=\"nhsuk-summary-list__value\" id=\"first-opened\"><time datetime=\"2026-11-25T12:00:00Z\">25 Nov 2026, 12:00</time> by gp@riverside-gp.example</dd>");
        opened.ShouldContain("Opened for the first time: the emergency alert was cleared");
        (await (await staff.Http.GetAsync("/inbox")).Content.ReadAsStringAsync()).ShouldNotContain(Banner);
        (await (await staff.Http.GetAsync($"/inbox/requests/{Ref(3)}")).Content.ReadAsStringAsync()).ShouldContain("by gp@riverside-gp.example</dd>");
        (await (await northside.Http.GetAsync("/inbox")).Content.ReadAsStringAsync()).ShouldContain(Banner, customMessage: "Northside's own emergency is still unopened");

        var cleared = (await AuditAsync(host, Ref(3))).Where(a => a.Action == AuditActions.EmergencyAlertCleared).ShouldHaveSingleItem();
        (cleared.Actor, cleared.ServiceId, cleared.At).ShouldBe((Colleague, "riverside-gp", Now));
        var api = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{Ref(3)}");
        api.GetProperty("firstOpened").GetProperty("by").GetString().ShouldBe(Colleague);
        api.GetProperty("firstOpened").GetProperty("at").GetString().ShouldBe("2026-11-25T12:00:00Z");
    }

    [Fact]
    public async Task Emergency_request_texts_the_duty_number_from_the_services_own_number_with_nothing_personal()
    {
        await using var twilio = await TwilioApiFake.StartAsync();
        await using var host = await ServiceHost.StartAsync(
            Settings(
                ("Outbox:Mode", "Send"),
                ("Outbox:PollInterval", "00:00:00.100"),
                ("Twilio:AccountSid", twilio.AccountSid),
                ("Twilio:AuthToken", twilio.AuthToken)),
            services => services.PostConfigure<TwilioOptions>(o => o.ApiBaseUrl = twilio.BaseUrl));
        // A landline: no code and no confirmation text.
        var landline = new Answers { Phone = "0113 496 0777" };

        var ordinary = await SubmitAsync(host, answers: landline);
        var urgentOnly = await SubmitAsync(host, answers: landline with { Details = "I get short of breath walking up the stairs this week." });
        var emergency = await SubmitAsync(host, answers: landline with { Details = "Crushing chest pain that spreads to my left arm, started an hour ago." });
        var otherService = await SubmitAsync(host, "northside-community", landline with { Details = "My dad has crushing chest pain." });

        await twilio.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(1));
        // Other texts (to the patients' numbers) may go too; exactly one goes to the duty number.
        var sent = twilio.Requests.Where(r => r.Form["To"] == "+447700900999").ShouldHaveSingleItem();
        sent.Form["To"].ShouldBe("+447700900999");
        sent.Form["From"].ShouldBe(SmsHost.Riverside);
        sent.Form["Body"].ShouldBe($"Riverside GP Practice: urgent request {emergency} in the inbox.");
        sent.Form["Body"].ShouldNotContain("Jane");
        sent.Form["Body"].ShouldNotContain("chest", Case.Insensitive);

        // Nothing else goes to it: not for the ordinary or the urgent request, nor for Northside (it has no duty number), nor twice.
        var outbox = host.Services.GetRequiredService<IOutboxStore>();
        (await outbox.ListForRecipientAsync("+447700900999", 10)).ShouldHaveSingleItem().Purpose.ShouldBe(TextPurpose.DutyAlert);
        new[] { ordinary, urgentOnly, otherService }.ShouldAllBe(r => r != emergency);
    }
}
