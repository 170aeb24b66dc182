using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Form;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Links;

/// <summary>
/// "Send the link to a patient" and personal follow-up (PIFU) links over real HTTP against the running service:
/// the form's checks and what a send leaves behind (one text, a token kept only as its hash, an audit line with
/// nothing personal), tenancy between services, ending a link early, and a patient on Direct Line who can
/// neither see the details held without the right date of birth nor send on a link that has ended.
/// </summary>
public sealed partial class FollowUpLinkHttpTests(FollowUpLinkHostFixture fixture) : IClassFixture<FollowUpLinkHostFixture>
{
    private const string Northside = "northside-community";
    private const string FirstName = "Olwen";
    private const string LastName = "Pritchard";
    private const string Pathway = "Hydrotherapy";
    private const string NhsNumber = "943 476 5919";
    private const string FollowUpLinkRoute = "/c/northside-community/f/";

    private static int _nextMobile = 400;

    private ServiceHost Host => fixture.Host;

    // ---- sending ----------------------------------------------------------------------------------

    [Fact]
    public async Task Sending_a_follow_up_link_texts_one_personal_link_keeps_only_its_hash_and_audits_nothing_personal()
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();

        using var response = await PostLinkAsync(staff, FollowUpForm(mobile, sendId));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.ShouldBe("/inbox/links?done=sent");

        // The patient's phone: exactly one text, with a personal link under this service and nothing personal in the URL.
        var texts = await OutboxAsync(e164);
        texts.Count.ShouldBe(1);
        var token = TokenIn(texts[0]);
        texts[0].ShouldStartWith("Northside Community Health NHS Trust: this is your personal link");
        texts[0].ShouldContain($"{Host.BaseAddress.ToString().TrimEnd('/')}{FollowUpLinkRoute}{token} ");

        // Stored: the link under the form's id, found by the SHA-256 of its token, and the token nowhere in clear.
        var link = (await Links.GetAsync(sendId)).ShouldNotBeNull();
        link.Kind.ShouldBe(SentLinkKind.FollowUp);
        link.ServiceId.ShouldBe(Northside);
        link.Phone.ShouldBe(e164);
        (link.FirstName, link.LastName, link.DateOfBirth, link.NhsNumber, link.Pathway).ShouldBe((FirstName, LastName, new DateOnly(2010, 10, 22), "9434765919", Pathway));
        link.SentBy.ShouldBe(NorthsideStaff);
        link.TokenHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))));
        (await Links.FindByTokenHashAsync(link.TokenHash!))!.Id.ShouldBe(sendId);
        var sentLinksRow = await RowsAsync("sent_links", "id = @id", sendId);
        sentLinksRow.Count.ShouldBe(1);
        sentLinksRow[0].ShouldNotContain(token);
        sentLinksRow[0].ShouldContain(link.TokenHash!);
        // The outbox must hold the text until it is delivered, so it is the one place the token is written.
        foreach (var table in await TablesAsync())
        {
            if (table != "outbox")
            {
                (await RowsAsync(table)).ShouldAllBe(row => !row.Contains(token, StringComparison.Ordinal), $"the token is in clear in table {table}");
            }
        }

        // The audit trail: who sent which link, without the number, the name, the NHS number or the token.
        var sent = (await AuditAsync(Host, actor: NorthsideStaff)).Where(a => a.Action == "link.sent" && a.Detail!.Contains(sendId, StringComparison.Ordinal)).ToList();
        sent.Count.ShouldBe(1);
        sent[0].ServiceId.ShouldBe(Northside);
        ShouldHoldNothingAboutThePatient(sent[0].Detail!, e164, pathwayAllowed: true);
        sent[0].Detail!.ShouldNotContain(token);

        // The sent links list shows it, with its end button.
        var page = await staff.Http.GetStringAsync("/inbox/links?done=sent");
        page.ShouldContain("The link is on its way to the patient.");
        page.ShouldContain($"action=\"/inbox/links/{sendId}/end\"");
        page.ShouldContain("Follow-up: Hydrotherapy");
    }

    public static TheoryData<string, string, string, string, string> BadInput()
    {
        const string mobile = "Enter a UK mobile number, like 07700 900123.";
        const string badDate = "Date of birth must be a real date, like 21 3 1980.";
        const string pathway = "The pathway must be 60 characters or fewer, on one line.";
        const string months = "Choose how long the link works for.";
        var nextYear = (DateTime.UtcNow.Year + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new()
        {
            // because, field posted, value posted, field with the problem, message
            { "a landline", "mobile", "0113 496 0000", "mobile", mobile },
            { "a French mobile", "mobile", "+33 6 12 34 56 78", "mobile", mobile },
            { "letters", "mobile", "seven seven double oh", "mobile", mobile },
            { "no mobile", "mobile", "", "mobile", "Enter the patient's mobile number." },
            { "NHS number failing modulus 11", "nhs-number", "900 000 0008", "nhs-number", "Enter a valid 10-digit NHS number, or leave it blank." },
            { "no date of birth", "dob", "//", "dob-day", "Enter the patient's date of birth. They confirm it before the link shows anything." },
            { "31 February", "dob", "31/02/2000", "dob-day", badDate },
            { "a month of 13", "dob", "1/13/2000", "dob-day", badDate },
            { "a date of birth next year", "dob", $"01/01/{nextYear}", "dob-day", "Date of birth must be in the past, and not more than 130 years ago." },
            { "no pathway", "pathway", "", "pathway", "Enter the follow-up pathway, for example Rheumatology." },
            { "a pathway over two lines", "pathway", "Hydro\ntherapy", "pathway", pathway },
            { "a pathway of 61 characters", "pathway", new string('p', 61), "pathway", pathway },
            { "2 months", "months", "2", "months", months },
            { "0 months", "months", "0", "months", months },
            { "no months", "months", "", "months", months },
            { "no kind", "kind", "", "kind", "Choose which link to send." },
            { "an unknown kind", "kind", "personal", "kind", "Choose which link to send." },
            { "a service this staff member does not work for", "service", "riverside-gp", "service", "Choose the service the link is for." },
            { "an unknown service", "service", "nowhere", "service", "Choose the service the link is for." },
            { "a first name with digits", "first-name", "Olwen2", "first-name", "The first name can have letters, spaces, hyphens and apostrophes, up to 35 characters." },
            { "a last name with a script", "last-name", "<script>alert(1)</script>", "last-name", "The last name can have letters, spaces, hyphens and apostrophes, up to 35 characters." },
            { "no first name on a follow-up link", "first-name", "", "first-name", "Enter the patient's first name." },
        };
    }

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_gets_400_with_its_message_keeps_what_was_typed_and_changes_nothing(string because, string field, string value, string problemField, string message)
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        var form = FollowUpForm(mobile, sendId);
        if (field == "dob")
        {
            var parts = value.Split('/');
            (form["dob-day"], form["dob-month"], form["dob-year"]) = (parts[0], parts[1], parts[2]);
        }
        else
        {
            form[field] = value;
        }

        var before = await SnapshotAsync();
        using var response = await PostLinkAsync(staff, form);
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, because);
        ErrorSummary(html).ShouldBe([(problemField, message)], because);
        // Each message in the summary leads to its field (for staff of one service, to the message where the field would be).
        html.ShouldContain($"id=\"{problemField}\"");

        foreach (var kept in TypedFields)
        {
            InputValue(html, kept).ShouldBe(form[kept], $"{kept} is kept as typed ({because})");
        }

        html.ShouldNotContain("<script>alert", Case.Insensitive);
        (await SnapshotAsync()).ShouldBe(before, because);
        (await Links.GetAsync(sendId)).ShouldBeNull();
        (await OutboxAsync(e164)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("service")]
    [InlineData("kind")]
    [InlineData("mobile")]
    [InlineData("first-name")]
    [InlineData("last-name")]
    [InlineData("nhs-number")]
    [InlineData("dob-day")]
    [InlineData("dob-month")]
    [InlineData("dob-year")]
    [InlineData("pathway")]
    [InlineData("months")]
    public async Task Ten_thousand_characters_in_a_field_get_400_and_change_nothing(string field)
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        var form = FollowUpForm(mobile, sendId);
        form[field] = new string(field is "mobile" or "nhs-number" or "months" or "dob-day" or "dob-month" or "dob-year" ? '7' : 'a', 10_000);

        var before = await SnapshotAsync();
        using var response = await PostLinkAsync(staff, form);
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ErrorSummary(html).Select(p => p.Field).ShouldBe([field.StartsWith("dob-", StringComparison.Ordinal) ? "dob-day" : field]);
        (await SnapshotAsync()).ShouldBe(before);
        (await Links.GetAsync(sendId)).ShouldBeNull();
        (await OutboxAsync(e164)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("no token", null)]
    [InlineData("a made-up token", "CfDJ8made-up-token")]
    public async Task Without_a_valid_anti_forgery_token_the_form_gets_400_and_changes_nothing(string because, string? token)
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        var fields = FollowUpForm(mobile, sendId).Select(f => (f.Key, f.Value)).ToList();
        if (token is not null)
        {
            fields.Add(("__RequestVerificationToken", token));
        }

        var before = await SnapshotAsync();
        using var response = await staff.Http.PostAsync("/inbox/links", StaffClient.Form([.. fields]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, because);
        (await response.Content.ReadAsStringAsync()).ShouldContain("The form could not be sent");
        (await SnapshotAsync()).ShouldBe(before, because);
        (await Links.GetAsync(sendId)).ShouldBeNull();
        (await OutboxAsync(e164)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_form_sent_twice_sends_one_text_and_stores_one_link()
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        var before = await SnapshotAsync();

        using var first = await PostLinkAsync(staff, FollowUpForm(mobile, sendId));
        using var again = await PostLinkAsync(staff, FollowUpForm(mobile, sendId));

        first.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        again.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        again.Headers.Location!.OriginalString.ShouldBe("/inbox/links?done=sent", "it went the first time");
        (await OutboxAsync(e164)).Count.ShouldBe(1);
        (await SnapshotAsync()).ShouldBe(before with { SentLinks = before.SentLinks + 1, Texts = before.Texts + 1, SentAudits = before.SentAudits + 1 });
        (await Links.ListForServicesAsync([Northside], 1000)).Count(l => l.Phone == e164).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_form_sent_three_times_at_once_sends_one_text_and_stores_one_link()
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        var before = await SnapshotAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostLinkAsync(staff, FollowUpForm(mobile, sendId))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.SeeOther && r.Headers.Location!.OriginalString == "/inbox/links?done=sent");
        foreach (var response in responses)
        {
            response.Dispose();
        }

        (await OutboxAsync(e164)).Count.ShouldBe(1);
        (await SnapshotAsync()).ShouldBe(before with { SentLinks = before.SentLinks + 1, Texts = before.Texts + 1, SentAudits = before.SentAudits + 1 });
    }

    [Fact]
    public async Task A_form_id_already_used_by_another_services_link_still_sends_a_link_of_its_own()
    {
        using var northside = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        using (var first = await PostLinkAsync(northside, new Dictionary<string, string>
        {
            ["service"] = Northside, ["kind"] = "general", ["mobile"] = mobile, ["sendId"] = sendId,
        }))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        }

        using var riverside = await StaffClient.SignInAsync(Host, InboxTestSupport.RiversideStaff);
        var (otherMobile, otherE164) = NextMobile();
        using var second = await PostLinkAsync(riverside, new Dictionary<string, string>
        {
            ["service"] = "riverside-gp", ["kind"] = "general", ["mobile"] = otherMobile, ["sendId"] = sendId,
        });

        second.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await OutboxAsync(otherE164)).ShouldHaveSingleItem().ShouldContain("/c/riverside-gp");
        (await OutboxAsync(e164)).ShouldHaveSingleItem();
        (await Links.GetAsync(sendId))!.ServiceId.ShouldBe(Northside, "the first link is untouched");
    }

    [Fact]
    public async Task A_general_link_texts_the_services_link_and_can_never_be_ended()
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();

        using var response = await PostLinkAsync(staff, new Dictionary<string, string>
        {
            ["service"] = Northside, ["kind"] = "general", ["mobile"] = mobile, ["sendId"] = sendId,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
        var text = (await OutboxAsync(e164)).ShouldHaveSingleItem();
        text.ShouldBe($"Northside Community Health NHS Trust: you can send us a request online when it is not urgent: {Host.BaseAddress}c/northside-community In an emergency, call 999.");
        text.ShouldNotContain("/f/");
        var link = (await Links.GetAsync(sendId)).ShouldNotBeNull();
        (link.Kind, link.TokenHash, link.EndsAt).ShouldBe((SentLinkKind.General, null, null));

        var page = await staff.Http.GetStringAsync("/inbox/links");
        var row = Row(page, InboxPhoneLabel(e164));
        row.ShouldContain("The service&#x27;s link");
        row.ShouldContain("Never ends");
        row.ShouldNotContain("End this link");
        page.ShouldNotContain($"/inbox/links/{sendId}/end");

        // Posted by hand, ending it is "Page not found": a general link never ends.
        using var end = await EndAsync(staff, sendId);
        end.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Links.GetAsync(sendId))!.EndedEarlyAt.ShouldBeNull();
    }

    // ---- the patient's side of the link -----------------------------------------------------------

    [Fact]
    public async Task A_token_for_one_service_is_not_found_on_another_and_says_nothing_about_the_patient()
    {
        var (token, _, e164) = await SendFollowUpAsync();
        using var http = Host.CreateClient();
        var unknown = LinkTokens.New().Token;

        using var page = await http.GetAsync($"/c/riverside-gp/f/{token}");
        using var unknownPage = await http.GetAsync($"/c/riverside-gp/f/{unknown}");
        using var tokenRequest = await http.PostAsync($"/c/riverside-gp/f/{token}/token", null);
        using var hillview = await http.PostAsync($"/c/hillview-mental-health/f/{token}/token", null);

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var body = await page.Content.ReadAsStringAsync();
        body.ShouldBe(await unknownPage.Content.ReadAsStringAsync(), "another service's token looks exactly like no token at all");
        ShouldHoldNothingAboutThePatient(body, e164);
        tokenRequest.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        hillview.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var response in new[] { tokenRequest, hillview })
        {
            var json = await response.Content.ReadAsStringAsync();
            json.ShouldNotContain("\"token\"");
            ShouldHoldNothingAboutThePatient(json, e164);
        }

        // On its own service it works, showing nothing held before the date of birth.
        using var own = await http.GetAsync($"{FollowUpLinkRoute}{token}");
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldHoldNothingAboutThePatient(await own.Content.ReadAsStringAsync(), e164);
    }

    public static TheoryData<string, string> MalformedTokens() => new()
    {
        { "21 characters", new string('A', 21) },
        { "23 characters", new string('A', 23) },
        { "a space in 22 characters", new string('A', 21) + "%20" },
        { "padding in 22 characters", new string('A', 21) + "=" },
        { "200 characters", new string('A', 200) },
    };

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public async Task A_malformed_token_is_not_found(string because, string token)
    {
        using var http = Host.CreateClient();

        using var page = await http.GetAsync($"{FollowUpLinkRoute}{token}");
        using var tokenRequest = await http.PostAsync($"{FollowUpLinkRoute}{token}/token", null);

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound, because);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Page not found");
        tokenRequest.StatusCode.ShouldBe(HttpStatusCode.NotFound, because);
        (await tokenRequest.Content.ReadAsStringAsync()).ShouldNotContain("\"token\"");
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA%00")]
    public async Task A_token_with_a_nul_byte_is_refused_before_anything_is_looked_up(string token)
    {
        using var http = Host.CreateClient();

        using var page = await http.GetAsync($"{FollowUpLinkRoute}{token}");
        using var tokenRequest = await http.PostAsync($"{FollowUpLinkRoute}{token}/token", null);

        // Kestrel turns away a path with a NUL in it as a bad request: the service never sees it.
        page.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        tokenRequest.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await page.Content.ReadAsStringAsync()).ShouldBeEmpty();
        (await tokenRequest.Content.ReadAsStringAsync()).ShouldBeEmpty();
    }

    // ---- ending a link early ----------------------------------------------------------------------

    [Fact]
    public async Task Staff_end_a_link_early_then_it_is_gone_while_another_service_can_neither_end_nor_see_it()
    {
        const string otherStaff = "links.colleague@riverside.example";
        await AddStaffAsync(Host, otherStaff, "riverside-gp");
        var (token, id, e164) = await SendFollowUpAsync();
        using var http = Host.CreateClient();
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        using var other = await StaffClient.SignInAsync(Host, otherStaff);

        // Staff of another service: "Page not found", the link stays open, and their list does not show it.
        using (var refused = await EndAsync(other, id))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await Links.GetAsync(id))!.EndedEarlyAt.ShouldBeNull();
        (await http.GetAsync($"{FollowUpLinkRoute}{token}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var theirs = await other.Http.GetStringAsync("/inbox/links");
        theirs.ShouldNotContain(id);
        theirs.ShouldNotContain(InboxPhoneLabel(e164));
        theirs.ShouldNotContain(Pathway);
        (await AuditAsync(Host, actor: otherStaff)).ShouldNotContain(a => a.Action == "link.ended");

        // Its own service's staff end it.
        using (var ended = await EndAsync(staff, id))
        {
            ended.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
            ended.Headers.Location!.OriginalString.ShouldBe("/inbox/links?done=ended");
        }

        var link = (await Links.GetAsync(id))!;
        link.EndedEarlyBy.ShouldBe(NorthsideStaff);
        link.EndedEarlyAt.ShouldNotBeNull();
        var audit = (await AuditAsync(Host, actor: NorthsideStaff)).Where(a => a.Action == "link.ended" && a.Detail!.Contains(id, StringComparison.Ordinal)).ToList();
        audit.Count.ShouldBe(1);
        audit[0].ServiceId.ShouldBe(Northside);
        ShouldHoldNothingAboutThePatient(audit[0].Detail!, e164, pathwayAllowed: true);

        var list = await staff.Http.GetStringAsync("/inbox/links?done=ended");
        list.ShouldContain("The follow-up link has ended. The patient can no longer use it.");
        Row(list, InboxPhoneLabel(e164)).ShouldContain("Ended early on");
        list.ShouldNotContain($"/inbox/links/{id}/end");

        // The patient's link: the ended page, and no conversation.
        using var page = await http.GetAsync($"{FollowUpLinkRoute}{token}");
        page.StatusCode.ShouldBe(HttpStatusCode.Gone);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("<h1>This follow-up link has ended</h1>");
        html.ShouldContain($"{Host.BaseAddress}c/northside-community");
        html.ShouldContain("0113 496 0002");
        ShouldHoldNothingAboutThePatient(html, e164);
        using var tokenRequest = await http.PostAsync($"{FollowUpLinkRoute}{token}/token", null);
        tokenRequest.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await tokenRequest.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("LinkEnded");

        // Ending it again changes nothing.
        using (var again = await EndAsync(staff, id))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
            again.Headers.Location!.OriginalString.ShouldBe("/inbox/links?done=already-ended");
        }

        (await Links.GetAsync(id))!.ShouldBe(link);
        (await AuditAsync(Host, actor: NorthsideStaff)).Count(a => a.Action == "link.ended" && a.Detail!.Contains(id, StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_link_ended_while_the_patient_is_at_review_cannot_send_over_direct_line()
    {
        var (token, id, e164) = await SendFollowUpAsync();
        using var client = Host.CreateClient();
        var conversation = await OpenFollowUpAsync(client, token);
        await WalkAsync(conversation, "review", step => step switch
        {
            "follow-up-date-of-birth" => Task.FromResult("22/10/2010"),
            "follow-up-details" => Task.FromResult("Yes, they're right"),
            "otp" => WebChatTestSupport.LastCodeSentToAsync(Host, e164),
            _ => Task.FromResult(CommonAnswer(step)),
        });
        var review = LastBotText((await conversation.ReadAsync()).Activities);
        review.ShouldContain($"Name: {FirstName} {LastName}");
        var requestsBefore = await NorthsideRequestsAsync();

        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        using (var ended = await EndAsync(staff, id))
        {
            ended.Headers.Location!.OriginalString.ShouldBe("/inbox/links?done=ended");
        }

        await conversation.SayAsync("Submit");

        (await conversation.StepAsync()).ShouldBe("link-ended");
        var reply = LastBotText((await conversation.ReadAsync()).Activities);
        reply.ShouldNotContain("Your reference is");
        var requestsAfter = await NorthsideRequestsAsync();
        requestsAfter.Count.ShouldBe(requestsBefore.Count, "no request was stored");
        requestsAfter.ShouldNotContain(r => r.FollowUp != null && r.FollowUp.LinkId == id);

        // Saying it again does not get round it.
        await conversation.SayAsync("Submit");
        (await conversation.StepAsync()).ShouldBe("link-ended");
        (await NorthsideRequestsAsync()).Count.ShouldBe(requestsBefore.Count);
    }

    [Fact]
    public async Task A_wrong_date_of_birth_over_direct_line_shows_none_of_the_details_held()
    {
        var (token, id, e164) = await SendFollowUpAsync();
        var (ownMobile, ownE164) = NextMobile();
        using var client = Host.CreateClient();
        var conversation = await OpenFollowUpAsync(client, token);

        await WalkAsync(conversation, "review", step => step switch
        {
            "follow-up-date-of-birth" => Task.FromResult("23/10/2010"),
            "first-name" => Task.FromResult("Jo"),
            "last-name" => Task.FromResult("Bloggs"),
            "phone" => Task.FromResult(ownMobile),
            "otp" => WebChatTestSupport.LastCodeSentToAsync(Host, ownE164),
            _ => Task.FromResult(CommonAnswer(step)),
        });

        var activities = (await conversation.ReadAsync()).Activities;
        var steps = activities.Where(a => a["from"]!["role"]!.GetValue<string>() == "bot").Select(a => a["channelData"]?["step"]?.GetValue<string>()).ToList();
        steps.ShouldNotContain("follow-up-details");
        steps.ShouldContain("first-name");
        LastBotText(activities).ShouldContain("Name: Jo Bloggs");
        foreach (var activity in activities)
        {
            ShouldHoldNothingAboutThePatient(activity.ToJsonString(), e164);
        }

        (await Links.GetAsync(id))!.FailedConfirmations.ShouldBe(1);
    }

    [Fact]
    public async Task A_follow_up_link_opened_as_the_form_asks_the_date_of_birth_first_then_sends_a_request_tagged_with_its_pathway()
    {
        var (token, id, e164) = await SendFollowUpAsync();
        using var form = new FormClient(Host, "/c/northside-community/form");

        (await form.GetAsync($"{FollowUpLinkRoute}{token}/form")).Text.ShouldContain("This is your personal link");
        var page = await form.StartAsync($"{FollowUpLinkRoute}{token}/form");
        var steps = new List<string>();
        while (page.Step is { } step && step != "review")
        {
            steps.Add(step);
            page.Text.ShouldNotContain(LastName, Case.Insensitive, $"the {step} page shows what is held before the date of birth matched");
            page = step switch
            {
                "follow-up-date-of-birth" => await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010")),
                "follow-up-details" => await form.AnswerAsync("Yes, they're right"),
                "otp" => await form.AnswerAsync(await form.LastCodeAsync(e164)),
                _ => await form.AnswerAsync(CommonAnswer(step)),
            };
            page.Status.ShouldBe(HttpStatusCode.OK, page.Text);
            if (page.Step == "follow-up-details")
            {
                page.Text.ShouldContain($"Name: {FirstName} {LastName}");
                page = await form.AnswerAsync("Yes, they're right");
                steps.Add("follow-up-details");
            }
        }

        steps.ShouldContain("follow-up-date-of-birth");
        steps.ShouldNotContain("first-name", "the held name is confirmed, not asked again");
        steps.ShouldContain("follow-up-details");
        page.Text.ShouldContain($"First name {FirstName}");
        page.Text.ShouldContain($"Last name {LastName}");
        page = await form.AnswerAsync("1");
        page.Path.ShouldBe("/c/northside-community/form/submitted");
        var reference = Regex.Match(page.Text, "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;

        var request = (await NorthsideRequestsAsync()).Single(r => r.ReferenceId == reference);
        request.Channel.ShouldBe(PatientContact.Inbox.Requests.Channel.Form);
        request.FollowUp.ShouldNotBeNull().Pathway.ShouldBe(Pathway);
        request.FollowUp.LinkId.ShouldBe(id);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static readonly string[] TypedFields = ["mobile", "first-name", "last-name", "nhs-number", "dob-day", "dob-month", "dob-year", "pathway"];

    private ISentLinkStore Links => Host.Services.GetRequiredService<ISentLinkStore>();

    /// <summary>A fictional UK mobile (Ofcom's drama range) no other test of the class texts: as typed, and E.164.</summary>
    private static (string Typed, string E164) NextMobile()
    {
        var n = Interlocked.Increment(ref _nextMobile);
        return ($"07700 900{n:000}", $"+447700900{n:000}");
    }

    private static string NewSendId() => Guid.NewGuid().ToString("N");

    private static Dictionary<string, string> FollowUpForm(string mobile, string sendId) => new(StringComparer.Ordinal)
    {
        ["service"] = Northside,
        ["kind"] = "follow-up",
        ["mobile"] = mobile,
        ["first-name"] = FirstName,
        ["last-name"] = LastName,
        ["nhs-number"] = NhsNumber,
        ["dob-day"] = "22",
        ["dob-month"] = "10",
        ["dob-year"] = "2010",
        ["pathway"] = Pathway,
        ["months"] = "6",
        ["sendId"] = sendId,
    };

    private static async Task<HttpResponseMessage> PostLinkAsync(StaffClient staff, IDictionary<string, string> form)
    {
        var token = await staff.SessionTokenAsync();
        return await staff.Http.PostAsync("/inbox/links", StaffClient.Form([.. form.Select(f => (f.Key, f.Value)), ("__RequestVerificationToken", token)]));
    }

    private static async Task<HttpResponseMessage> EndAsync(StaffClient staff, string id)
    {
        var token = await staff.SessionTokenAsync();
        return await staff.Http.PostAsync($"/inbox/links/{id}/end", StaffClient.Form(("__RequestVerificationToken", token)));
    }

    /// <summary>A follow-up link sent by Northside's staff over HTTP: its token (read from the text), id and mobile.</summary>
    private async Task<(string Token, string Id, string E164)> SendFollowUpAsync()
    {
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);
        var (mobile, e164) = NextMobile();
        var sendId = NewSendId();
        using var response = await PostLinkAsync(staff, FollowUpForm(mobile, sendId));
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
        return (TokenIn((await OutboxAsync(e164)).ShouldHaveSingleItem()), sendId, e164);
    }

    /// <summary>The bodies of the texts queued for a number, newest first, as <c>GET /dev/outbox</c> shows them.</summary>
    private async Task<List<string>> OutboxAsync(string e164)
    {
        using var http = Host.CreateClient();
        var texts = await http.GetFromJsonAsync<JsonArray>("/dev/outbox?to=" + Uri.EscapeDataString(e164));
        return [.. texts!.Select(t => t!["body"]!.GetValue<string>())];
    }

    private static string TokenIn(string text)
    {
        var match = FollowUpToken().Match(text);
        match.Success.ShouldBeTrue($"no follow-up link in the text: {text}");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// The date of birth, name, numbers and pathway the link was sent with: none may show. The audit trail, for
    /// staff only, names the pathway (which link it was) but never who it was for.
    /// </summary>
    private static void ShouldHoldNothingAboutThePatient(string text, string e164, bool pathwayAllowed = false)
    {
        text.ShouldNotContain(FirstName, Case.Insensitive);
        text.ShouldNotContain(LastName, Case.Insensitive);
        if (!pathwayAllowed)
        {
            text.ShouldNotContain(Pathway, Case.Insensitive);
        }

        text.ShouldNotContain(e164[3..]);
        text.ShouldNotContain($"{e164[3..7]} {e164[7..]}");
        text.ShouldNotContain(NhsNumber);
        text.ShouldNotContain(NhsNumber.Replace(" ", "", StringComparison.Ordinal));
        text.ShouldNotContain("22/10/2010");
        text.ShouldNotContain("22 October 2010");
        text.ShouldNotContain("2010-10-22");
    }

    /// <summary>A phone number as the inbox shows it ("07700 900401").</summary>
    private static string InboxPhoneLabel(string e164) => $"0{e164[3..7]} {e164[7..]}";

    /// <summary>The sent links table row that mentions <paramref name="text"/>.</summary>
    private static string Row(string html, string text)
    {
        var rows = TableRow().Matches(html).Select(m => m.Value).Where(r => r.Contains(text, StringComparison.Ordinal)).ToList();
        return rows.ShouldHaveSingleItem($"one row for {text}");
    }

    /// <summary>The error summary's problems: the field each one links to, and its message.</summary>
    private static List<(string Field, string Message)> ErrorSummary(string html)
    {
        var summary = ErrorSummaryBlock().Match(html);
        summary.Success.ShouldBeTrue("no error summary on the page");
        return [.. SummaryItem().Matches(summary.Value).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value)))];
    }

    /// <summary>The value a text input of the form shows.</summary>
    private static string InputValue(string html, string id)
    {
        var input = Regex.Match(html, $"<input[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>");
        input.Success.ShouldBeTrue($"no input {id}");
        var value = ValueAttribute().Match(input.Value);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : string.Empty;
    }

    /// <summary>How many links, texts and <c>link.sent</c> audit lines are stored: "changes nothing" is this staying the same.</summary>
    private sealed record Snapshot(long SentLinks, long Texts, long SentAudits);

    private async Task<Snapshot> SnapshotAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        return new Snapshot(
            await CountAsync(connection, "SELECT COUNT(*) FROM sent_links"),
            await CountAsync(connection, "SELECT COUNT(*) FROM outbox"),
            await CountAsync(connection, "SELECT COUNT(*) FROM audit WHERE action = 'link.sent'"));
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> TablesAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        tables.ShouldContain("sent_links");
        return tables;
    }

    /// <summary>Every row of a table (optionally filtered), each as its columns' text joined together.</summary>
    private async Task<List<string>> RowsAsync(string table, string? where = null, string? id = null)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"" + (where is null ? string.Empty : $" WHERE {where}");
        if (id is not null)
        {
            command.Parameters.AddWithValue("@id", id);
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var columns = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(reader.IsDBNull(i) ? string.Empty : reader.GetValue(i) is byte[] bytes ? Encoding.ASCII.GetString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
            }

            rows.Add(string.Join('|', columns));
        }

        return rows;
    }

    private async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(Host.DataDirectory, "patientcontact.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<List<PatientContact.Inbox.Requests.ContactRequest>> NorthsideRequestsAsync() =>
        [.. (await Host.Services.GetRequiredService<IRequestStore>().ListAsync(new RequestQuery { ServiceIds = [Northside], PageSize = 100 })).Items];

    /// <summary>A token from the follow-up link's token endpoint, then the conversation opened with it, as the widget does.</summary>
    private static async Task<DirectLineHttp.Conversation> OpenFollowUpAsync(HttpClient client, string token)
    {
        var http = new DirectLineHttp(client);
        using var issued = await client.PostAsync($"{FollowUpLinkRoute}{token}/token", null);
        issued.StatusCode.ShouldBe(HttpStatusCode.OK, await issued.Content.ReadAsStringAsync());
        var directLineToken = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        using var started = await http.SendAsync(HttpMethod.Post, "/v3/directline/conversations", directLineToken, new StringContent("""{"user":{"id":"someone"}}""", Encoding.UTF8, "application/json"));
        started.StatusCode.ShouldBe(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var body = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        return new DirectLineHttp.Conversation(http, body["conversationId"]!.GetValue<string>(), body["token"]!.GetValue<string>(), body["streamUrl"]!.GetValue<string>());
    }

    /// <summary>Answers each step the service asks until it asks <paramref name="until"/>.</summary>
    private static async Task WalkAsync(DirectLineHttp.Conversation conversation, string until, Func<string, Task<string>> answer)
    {
        for (var turn = 0; turn < 30; turn++)
        {
            var step = await conversation.StepAsync();
            if (step == until)
            {
                return;
            }

            await conversation.SayAsync(await answer(step));
        }

        throw new InvalidOperationException($"The conversation did not reach {until}.");
    }

    private static string CommonAnswer(string step) => step switch
    {
        "emergency" => "No, it's not an emergency",
        "request-type" => "Flare-up or symptoms returning",
        "details" => "My knee is swollen again, like in the spring.",
        "photos" => "No",
        "proxy" => "Myself",
        "gender" => "Female",
        "postcode" => "LS1 6AE",
        "mobile-access" => "Yes",
        "contact-preference" => "Text message",
        _ => throw new InvalidOperationException($"The walk does not know step '{step}'."),
    };

    private static string LastBotText(List<JsonObject> activities) =>
        activities.Last(a => a["from"]!["role"]!.GetValue<string>() == "bot")["text"]!.GetValue<string>();

    [GeneratedRegex(@"/c/northside-community/f/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])")]
    private static partial Regex FollowUpToken();

    [GeneratedRegex("<div class=\"nhsuk-error-summary\"[\\s\\S]*?</ul>")]
    private static partial Regex ErrorSummaryBlock();

    [GeneratedRegex("<li><a href=\"#([^\"]+)\">([^<]*)</a></li>")]
    private static partial Regex SummaryItem();

    [GeneratedRegex("\\bvalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    [GeneratedRegex("<tr class=\"nhsuk-table__row\">[\\s\\S]*?</tr>")]
    private static partial Regex TableRow();
}

/// <summary>One running service for the follow-up link HTTP tests: demo staff, a fixed web chat key, no token rate limit to speak of.</summary>
public sealed class FollowUpLinkHostFixture : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceHost.StartAsync(InboxTestSupport.Settings(
        ("WebChat:TokenKey", WebChatTestSupport.TokenKey),
        ("WebChat:TokenRequestsPerMinute", "1000")));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
