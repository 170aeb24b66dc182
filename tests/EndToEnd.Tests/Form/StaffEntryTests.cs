using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Form;

/// <summary>
/// Reception enters a request for a patient who phoned, from "New request" in the inbox, over real HTTP: the same
/// steps as the form, inside the inbox, for their own services only.
/// </summary>
public sealed class StaffEntryTests : IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Staff_enter_a_phoned_in_request_that_arrives_with_channel_staff_the_submitter_and_identity_checked_by_staff()
    {
        using var reception = new FormClient(_host, "/inbox/new");
        await reception.SignInAsync(RiversideStaff);
        var inbox = await reception.GetAsync("/inbox");
        inbox.Html.ShouldContain("href=\"/inbox/new\"");
        inbox.Text.ShouldContain("New request");

        // Another service's request cannot be started: only the person's own services are offered or taken.
        var start = await reception.GetAsync("/inbox/new");
        start.Heading.ShouldBe("New request");
        start.Text.ShouldNotContain("Northside");
        var refused = await reception.StartAsync("/inbox/new", ("service", "northside-community"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Text.ShouldContain("Choose the service the request is for.");

        var page = await reception.StartAsync("/inbox/new", ("service", "riverside-gp"));
        page.Path.ShouldBe("/inbox/new/emergency");
        page.Text.ShouldContain("Signed in as");
        page.Text.ShouldContain("New request for Riverside GP Practice");
        foreach (var answer in (string[])["1", "1", "Phoned in: her inhaler is running out and she needs a new one.", "1", "Jane", "Smith"])
        {
            (await reception.AnswerAsync(answer)).Status.ShouldBe(HttpStatusCode.OK);
        }

        await reception.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        await reception.AnswerAsync("1");
        await reception.AnswerAsync("LS1 6AE");
        await reception.AnswerAsync("07700 900123");
        page = await reception.AnswerAsync("1");
        page.Step.ShouldBe("otp");
        page.Html.ShouldContain("value=\"identity-checked\">Identity checked by staff</button>");

        page = await reception.AnswerAsync(("answer", ""), ("command", "identity-checked"));
        page.Step.ShouldBe("contact-preference");
        page = await reception.AnswerAsync("1");
        page.Step.ShouldBe("review");
        page.Text.ShouldContain("Identity Identity checked by staff");
        page = await reception.AnswerAsync("1");
        page.Path.ShouldBe("/inbox/new/submitted");
        var reference = System.Text.RegularExpressions.Regex.Match(page.Html, "id=\"reference-id\">([0-9A-Z]{4}-[0-9A-Z]{4})<").Groups[1].Value;
        reference.ShouldNotBeEmpty(page.Text);
        page.Html.ShouldContain($"href=\"/inbox/requests/{reference}\"");

        // Stored with channel staff, who entered it, and the identity check; the phone is not verified, so matching never takes it as such.
        var stored = await MatchedAsync(_host, reference);
        stored.Channel.ShouldBe(Channel.Staff);
        stored.EnteredBy.ShouldBe(new StaffEntry(RiversideStaff, IdentityCheckedByStaff: true));
        stored.Contact.Verified.ShouldBeFalse();
        stored.Match.Status.ShouldBe(MatchStatus.Unmatched);
        stored.Match.Reason.ShouldBe(MatchReason.PhoneNotVerified);

        using var api = await StaffClient.SignInAsync(_host, RiversideStaff);
        var json = await api.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}");
        json.GetProperty("channel").GetString().ShouldBe("staff");
        json.GetProperty("submittedBy").GetProperty("staff").GetString().ShouldBe(RiversideStaff);
        json.GetProperty("contact").GetProperty("identityCheckedByStaff").GetBoolean().ShouldBeTrue();
        json.GetProperty("contact").GetProperty("verified").GetBoolean().ShouldBeFalse();
        (await api.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?channel=staff")).GetProperty("total").GetInt64().ShouldBe(1);

        var detail = await reception.GetAsync($"/inbox/requests/{reference}");
        detail.Text.ShouldContain($"Entered by {RiversideStaff}, for a patient who phoned or came in");
        detail.Text.ShouldContain("No code: identity checked by staff");

        var audit = await AuditAsync(_host, actor: RiversideStaff);
        audit.ShouldContain(e => e.Action == AuditActions.EntryStarted && e.ServiceId == "riverside-gp");
        audit.ShouldContain(e => e.Action == AuditActions.Entered && e.ReferenceId == reference && e.Detail == "identity checked by staff");
    }

    [Fact]
    public async Task Only_signed_in_staff_reach_new_request_and_patients_cannot_skip_the_code()
    {
        using var anonymous = new FormClient(_host, "/inbox/new");
        var response = await anonymous.Browser.GetAsync("/inbox/new");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldContain("/inbox/login");

        // On the patient's form the staff button does not exist, and its value is no answer.
        using var patient = new FormClient(_host);
        await FormHttpTests.WalkToReviewAsync(patient);
        var phone = await patient.GetAsync("/c/riverside-gp/form/change/phone");
        await patient.AnswerAsync("07700 900456");
        patient.Page.Step.ShouldBe("mobile-access");
        var otp = await patient.AnswerAsync("1");
        otp.Step.ShouldBe("otp");
        otp.Html.ShouldNotContain("identity-checked");
        var skipped = await patient.AnswerAsync(("answer", ""), ("command", "identity-checked"));
        skipped.Status.ShouldBe(HttpStatusCode.BadRequest);
        skipped.Step.ShouldBe("otp");
        skipped.Problems.ShouldHaveSingleItem().ShouldStartWith("The code is 6 digits");
        phone.Step.ShouldBe("phone");
    }
}
