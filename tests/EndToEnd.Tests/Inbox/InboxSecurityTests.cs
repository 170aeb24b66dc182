using PatientContact.Inbox.Messaging;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>The inbox's defences over real HTTP against the running service: sessions, tenancy, anti-forgery, XSS, audit.</summary>
public sealed partial class InboxSecurityTests(InboxHostFixture fixture) : IClassFixture<InboxHostFixture>
{
    private ServiceHost Host => fixture.Host;

    private static readonly string[] Actions = ["status", "assign", "notes", "texts", "rematch", "match"];

    private static (string Key, string Value)[] FieldsFor(string action) => action switch
    {
        "status" => [("status", "done")],
        "assign" => [("assignee", "me")],
        "notes" => [("note", "a note")],
        "texts" => [("message", "hello"), ("sendId", Guid.NewGuid().ToString("N"))],
        "match" => [("nhsNumber", "9434765919")],
        _ => [],
    };

    [Fact]
    public async Task Without_a_session_pages_redirect_to_sign_in_and_the_api_answers_401()
    {
        var reference = await SubmitAsync(Host);
        var before = await RequestAsync(Host, reference);
        using var anonymous = StaffClient.Anonymous(Host);

        foreach (var path in new[] { "/inbox", $"/inbox/requests/{reference}", "/inbox/audit" })
        {
            var page = await anonymous.Http.GetAsync(path);
            page.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            page.Headers.Location!.ToString().ShouldStartWith("http://127.0.0.1:" + Host.Port + "/inbox/login?returnUrl=");
        }

        foreach (var path in new[] { "/api/inbox/requests", $"/api/inbox/requests/{reference}", "/api/inbox/audit" })
        {
            var api = await anonymous.Http.GetAsync(path);
            api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            api.Headers.Location.ShouldBeNull();
        }

        foreach (var action in Actions)
        {
            var post = await anonymous.Http.PostAsync($"/inbox/requests/{reference}/{action}", StaffClient.Form([.. FieldsFor(action), ("version", "1")]));
            post.StatusCode.ShouldBe(HttpStatusCode.Redirect, action);
        }

        await ShouldBeUnchangedAsync(Host, before);
        (await StaffAuditAsync(Host, reference)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Oversized_or_unreadable_sign_in_form_gets_413_or_400_with_a_page_saying_so()
    {
        using var anonymous = StaffClient.Anonymous(Host);
        var token = await anonymous.TokenAsync("/inbox/login");

        using var big = await anonymous.Http.PostAsync("/inbox/login", StaffClient.Form(("email", new string('a', 300 * 1024)), ("password", "x"), ("__RequestVerificationToken", token)));
        using var many = await anonymous.Http.PostAsync("/inbox/login", StaffClient.Form([.. Enumerable.Range(0, 1100).Select(i => ($"f{i}", "x")), ("__RequestVerificationToken", token)]));

        big.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await big.Content.ReadAsStringAsync()).ShouldContain("What was sent is more than this form takes.");
        many.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await many.Content.ReadAsStringAsync()).ShouldContain("The form could not be read.");
        (await AuditAsync(Host, actor: new string('a', 300 * 1024))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Staff_of_another_service_get_the_same_404_as_for_no_request_by_page_api_and_every_action()
    {
        var reference = await SubmitAsync(Host);
        var before = await RequestAsync(Host, reference);
        using var northside = await StaffClient.SignInAsync(Host, NorthsideStaff);
        const string nobody = "ZZZZ-2345";

        var page = await northside.Http.GetAsync($"/inbox/requests/{reference}");
        var missingPage = await northside.Http.GetAsync($"/inbox/requests/{nobody}");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        WithoutTokens(await page.Content.ReadAsStringAsync()).ShouldBe(WithoutTokens(await missingPage.Content.ReadAsStringAsync()));

        var api = await northside.Http.GetAsync($"/api/inbox/requests/{reference}");
        var missingApi = await northside.Http.GetAsync($"/api/inbox/requests/{nobody}");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await api.Content.ReadAsStringAsync()).ShouldBe(await missingApi.Content.ReadAsStringAsync());

        foreach (var action in Actions)
        {
            var post = await northside.ActAsync(reference, action, before.Version, FieldsFor(action));
            post.StatusCode.ShouldBe(HttpStatusCode.NotFound, action);
        }

        var list = await northside.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests?q={reference}");
        list.GetProperty("total").GetInt64().ShouldBe(0);
        var search = await northside.Http.PostAsync("/inbox/search", StaffClient.Form(("q", reference), ("__RequestVerificationToken", await northside.SessionTokenAsync())));
        var found = await search.Content.ReadAsStringAsync();
        found.ShouldNotContain($"/inbox/requests/{reference}");
        found.ShouldContain("No requests match");

        await ShouldBeUnchangedAsync(Host, before);
        var outbox = await Host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(JanesMobile, 50);
        outbox.ShouldNotContain(t => t.Purpose == TextPurpose.StaffReply && t.Body == "hello");
        (await StaffAuditAsync(Host, reference)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_or_forged_anti_forgery_token_is_rejected_and_changes_nothing()
    {
        var reference = await SubmitAsync(Host);
        var before = await RequestAsync(Host, reference);
        using var riverside = await StaffClient.SignInAsync(Host, RiversideStaff);
        using var other = await StaffClient.SignInAsync(Host, RiversideStaff);
        var othersToken = await other.SessionTokenAsync();

        var tokens = new (string Name, string? Token)[] { ("missing", null), ("garbage", "CfDJ8forged-token"), ("another session's", othersToken) };
        foreach (var (name, token) in tokens)
        {
            var fields = new List<(string, string)> { ("status", "done"), ("version", before.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            if (token is not null)
            {
                fields.Add(("__RequestVerificationToken", token));
            }

            var response = await riverside.Http.PostAsync($"/inbox/requests/{reference}/status", StaffClient.Form([.. fields]));

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, name);
            (await response.Content.ReadAsStringAsync()).ShouldContain("The form could not be sent");
        }

        var signIn = await StaffClient.Anonymous(Host).Http.PostAsync("/inbox/login", StaffClient.Form(("email", RiversideStaff), ("password", DemoPassword)));
        signIn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        signIn.Headers.Contains("Set-Cookie").ShouldBeTrue();
        signIn.Headers.GetValues("Set-Cookie").ShouldNotContain(c => c.StartsWith("PatientContact.Staff=", StringComparison.Ordinal));

        await ShouldBeUnchangedAsync(Host, before);
        (await StaffAuditAsync(Host, reference)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Xss_payloads_in_every_free_text_answer_and_note_are_shown_as_text()
    {
        const string payload = "<script>alert('details')</script><img src=x onerror=alert(1)> \"quoted\" & done";
        var reference = await SubmitAsync(Host, answers: new Answers
        {
            Details = payload,
            ProxyName = "Sam O'Brien-Smith",
            FirstName = "D'Arcy",
            LastName = "O'Neil",
        });
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        (await staff.ActAsync(reference, "notes", ("note", "<script>alert('note')</script>"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "texts", ("message", "<b>bold</b><script>alert('text')</script>"), ("sendId", "xss-1"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var detail = await (await staff.Http.GetAsync($"/inbox/requests/{reference}")).Content.ReadAsStringAsync();
        var list = await (await staff.Http.GetAsync("/inbox")).Content.ReadAsStringAsync();
        var search = await (await staff.Http.PostAsync("/inbox/search", StaffClient.Form(("q", "\"><script>alert('q')</script>"), ("__RequestVerificationToken", await staff.SessionTokenAsync())))).Content.ReadAsStringAsync();

        foreach (var html in new[] { detail, list, search })
        {
            ScriptTags().Matches(html).ShouldBeEmpty();
            html.ShouldNotContain("<img src=x");
            html.ShouldNotContain("<b>bold</b>");
        }

        detail.ShouldContain("&lt;script&gt;alert(&#x27;details&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; done");
        detail.ShouldContain("&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;");
        detail.ShouldContain("&lt;b&gt;bold&lt;/b&gt;");
        detail.ShouldContain("D&#x27;Arcy O&#x27;Neil");
        detail.ShouldContain("Sam O&#x27;Brien-Smith, for the patient (carer)");
        list.ShouldContain("D&#x27;Arcy O&#x27;Neil");
        search.ShouldContain("value=\"&quot;&gt;&lt;script&gt;alert(&#x27;q&#x27;)&lt;/script&gt;\"");

        var json = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}");
        json.GetProperty("details").GetString().ShouldBe(payload);
    }

    [Fact]
    public async Task Pages_say_no_scripts_no_framing_no_caching()
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);

        foreach (var response in new[] { await staff.Http.GetAsync("/inbox"), await StaffClient.Anonymous(Host).Http.GetAsync("/inbox/login") })
        {
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            csp.ShouldContain("default-src 'none'");
            csp.ShouldNotContain("script-src");
            csp.ShouldContain("frame-ancestors 'none'");
            response.Headers.CacheControl!.NoStore.ShouldBeTrue();
            response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        }
    }

    [Fact]
    public async Task Audit_holds_an_entry_for_every_view_and_change()
    {
        var reference = await SubmitAsync(Host);
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        (await staff.Http.GetAsync("/inbox?status=new")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.Http.GetAsync($"/inbox/requests/{reference}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.Http.GetAsync("/api/inbox/requests?status=new")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.Http.GetAsync($"/api/inbox/requests/{reference}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.ActAsync(reference, "assign", ("assignee", "me"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "status", ("status", "in-progress"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "notes", ("note", "Called, no answer"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "texts", ("message", "Please call us back"), ("sendId", "audit-1"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "match", ("nhsNumber", "943 476 5919"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "rematch")).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await staff.ActAsync(reference, "status", 1, ("status", "done"))).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await staff.Http.GetAsync("/inbox/audit")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var trail = await StaffAuditAsync(Host, reference);
        trail.ShouldAllBe(a => a.Actor == RiversideStaff && a.ServiceId == "riverside-gp");
        var changes = trail.Where(a => !AuditActions.IsView(a.Action)).ToList();
        changes.Select(a => a.Action).ShouldBe([
            AuditActions.Assigned,
            AuditActions.StatusChanged,
            AuditActions.NoteAdded,
            AuditActions.Texted,
            AuditActions.MatchedManually,
            AuditActions.RematchRequested,
            AuditActions.ChangeRefused,
        ]);
        changes.Select(a => a.Detail).Take(4).ShouldBe([$"to {RiversideStaff}", "new -> in progress", null, "Please call us back"]);
        changes[4].Detail.ShouldStartWith("was ");
        changes[5].Detail.ShouldBe("was matched (matched by staff)");
        changes[6].Detail.ShouldBe("request.status-changed: changed by someone else first");
        trail.ShouldContain(a => a.Action == AuditActions.Viewed);
        trail.ShouldContain(a => a.Action == AuditActions.Exported && a.Detail == "api");

        var mine = (await AuditAsync(Host, actor: RiversideStaff)).Where(a => a.At >= before).ToList();
        mine.ShouldContain(a => a.Action == AuditActions.ListViewed && a.Detail!.Contains(reference));
        mine.ShouldContain(a => a.Action == AuditActions.ListExported && a.Detail!.Contains(reference));
        mine.ShouldContain(a => a.Action == AuditActions.AuditQueried);
        (await AuditAsync(Host)).ShouldContain(a => a.Action == AuditActions.SignedIn && a.Actor == RiversideStaff);
    }

    [Fact]
    public async Task Audit_trail_is_for_administrators_only()
    {
        using var admin = await StaffClient.SignInAsync(Host, RiversideStaff);
        using var staff = await StaffClient.SignInAsync(Host, NorthsideStaff);

        (await admin.Http.GetAsync("/inbox/audit")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var entries = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/audit?actor={NorthsideStaff}");
        entries.EnumerateArray().ShouldContain(e => e.GetProperty("action").GetString() == AuditActions.SignedIn);
        (await staff.Http.GetAsync("/inbox/audit")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await staff.Http.GetAsync("/api/inbox/audit")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.Http.GetAsync("/api/inbox/audit?from=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        var token = await staff.SessionTokenAsync();

        var response = await staff.Http.PostAsync("/inbox/logout", StaffClient.Form(("__RequestVerificationToken", token)));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.OriginalString.ShouldBe("/inbox/login?signedOut=true");
        (await staff.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await AuditAsync(Host, actor: RiversideStaff)).ShouldContain(a => a.Action == AuditActions.SignedOut);
    }

    [Fact]
    public async Task Session_cookie_is_http_only_and_same_site_strict()
    {
        using var staff = StaffClient.Anonymous(Host);
        var response = await staff.TrySignInAsync(RiversideStaff, DemoPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("PatientContact.Staff=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain("expires=", Case.Insensitive);
    }

    [Fact]
    public async Task Api_reads_the_request_in_the_shape_of_the_spec_and_lists_only_the_staff_members_services()
    {
        var riverside = await SubmitAsync(Host);
        var northside = await SubmitAsync(Host, "northside-community");
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);

        var json = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{riverside.ToLowerInvariant()}");
        json.GetProperty("referenceId").GetString().ShouldBe(riverside);
        json.GetProperty("status").GetString().ShouldBe("new");
        json.GetProperty("patient").GetProperty("dateOfBirth").GetString().ShouldBe("2010-10-22");
        json.GetProperty("contact").GetProperty("phone").GetString().ShouldBe(JanesMobile);
        json.GetProperty("contact").GetProperty("verified").GetBoolean().ShouldBeTrue();
        json.GetProperty("submittedBy").GetProperty("kind").GetString().ShouldBe("self");
        json.GetProperty("channel").GetString().ShouldBe("webchat");

        var list = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?pageSize=100");
        var references = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("referenceId").GetString()).ToList();
        references.ShouldContain(riverside);
        references.ShouldNotContain(northside);
        list.GetProperty("page").GetInt32().ShouldBe(1);
        list.GetProperty("pageSize").GetInt32().ShouldBe(100);
        list.GetProperty("items").EnumerateArray().ShouldAllBe(i => i.GetProperty("serviceId").GetString() == "riverside-gp");

        var bad = await staff.Http.GetAsync("/api/inbox/requests?status=closed&pageSize=1000");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problems = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        problems.TryGetProperty("status", out _).ShouldBeTrue();
        problems.TryGetProperty("pageSize", out _).ShouldBeTrue();
    }

    private static string WithoutTokens(string html) => TokenValue().Replace(html, "value=\"token\"");

    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTags();

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex TokenValue();
}
