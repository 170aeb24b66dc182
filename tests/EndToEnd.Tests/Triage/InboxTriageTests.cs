using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;
using static PatientContact.EndToEnd.Tests.Triage.TriageSeed;

namespace PatientContact.EndToEnd.Tests.Triage;

/// <summary>Urgency order, queues, waiting time, age and labelled red flags, over HTTP, on the seeded service.</summary>
public sealed partial class InboxTriageTests : IClassFixture<InboxTriageTests.Seeded>
{
    private readonly ServiceHost _host;

    public InboxTriageTests(Seeded seeded) => _host = seeded.Host;

    public sealed class Seeded : IAsyncLifetime
    {
        public ServiceHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await TriageSeed.StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static List<string> References(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("referenceId").GetString()!)];

    /// <summary>The reference IDs in the list's table, in the order shown.</summary>
    private static List<string> Rows(string html) =>
        [.. RowPattern().Matches(html).Select(m => m.Groups[1].Value)];

    [Fact]
    public async Task Urgency_order_puts_emergencies_then_urgent_then_the_rest_oldest_first_in_the_api_and_on_the_page()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);
        string[] expected = [Ref(4), Ref(3), Ref(2), Ref(1), Ref(5)];

        var api = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&sort=urgency");
        var page = await (await staff.Http.GetAsync("/inbox?status=new&sort=urgency")).Content.ReadAsStringAsync();
        var newest = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new");

        References(api).ShouldBe(expected);
        Rows(page).ShouldBe(expected);
        page.ShouldContain("most urgent first (emergency red flags, then urgent, oldest first within each)");
        References(newest).ShouldBe([Ref(5), Ref(3), Ref(2), Ref(1), Ref(4)], "the default stays newest first");
    }

    [Fact]
    public async Task Queues_show_the_unassigned_requests_or_the_signed_in_persons_own()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);
        using var colleague = await StaffClient.SignInAsync(_host, Colleague);

        References(await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&queue=unassigned")).ShouldBe([Ref(3), Ref(1)]);
        References(await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&queue=mine")).ShouldBe([Ref(5), Ref(2)]);
        References(await colleague.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&queue=mine")).ShouldBe([Ref(4)]);
        References(await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&queue=unassigned&sort=urgency")).ShouldBe([Ref(3), Ref(1)]);

        var mine = await (await staff.Http.GetAsync("/inbox?status=new&queue=mine")).Content.ReadAsStringAsync();
        Rows(mine).ShouldBe([Ref(5), Ref(2)]);
        mine.ShouldContain("<a href=\"/inbox?status=new&amp;queue=mine\" aria-current=\"page\">Assigned to me</a>");
        Rows(await (await staff.Http.GetAsync("/inbox?status=new&queue=unassigned")).Content.ReadAsStringAsync()).ShouldBe([Ref(3), Ref(1)]);
    }

    [Fact]
    public async Task Waiting_time_and_age_are_in_every_item_and_beside_each_name_and_the_list_sorts_by_waiting()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var api = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new");
        var items = api.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("referenceId").GetString()!);
        var page = await (await staff.Http.GetAsync("/inbox?status=new")).Content.ReadAsStringAsync();
        var byWaiting = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?status=new&sort=waiting");

        items.ToDictionary(i => i.Key, i => i.Value.GetProperty("waitingMinutes").GetInt64())
            .ShouldBe(new Dictionary<string, long> { [Ref(1)] = 180, [Ref(2)] = 30, [Ref(3)] = 60, [Ref(4)] = 10, [Ref(5)] = 5 }, ignoreOrder: true);
        items[Ref(1)].GetProperty("ageYears").GetInt32().ShouldBe(36);
        items[Ref(3)].GetProperty("ageYears").GetInt32().ShouldBe(16);
        items[Ref(1)].GetProperty("firstActionAt").ValueKind.ShouldBe(JsonValueKind.Null);
        items[Ref(2)].GetProperty("firstActionAt").GetString().ShouldBe("2026-11-25T10:30:00Z");
        References(byWaiting).ShouldBe([Ref(1), Ref(3), Ref(4), Ref(2), Ref(5)]);

        Row(page, Ref(1)).ShouldContain("data-waiting-minutes=\"180\">3 h</td>");
        Row(page, Ref(1)).ShouldContain("Amira Begum, <span class=\"pc-inbox-nowrap\">36<span aria-hidden=\"true\"> y</span><span class=\"nhsuk-u-visually-hidden\"> years old</span>");
        Row(page, Ref(2)).ShouldContain("data-waiting-minutes=\"30\">30 min (answered)</td>");
        Row(page, Ref(3)).ShouldContain("Jane Smith, <span class=\"pc-inbox-nowrap\">16<span");
        Rows(await (await staff.Http.GetAsync("/inbox?status=new&sort=waiting")).Content.ReadAsStringAsync()).ShouldBe([Ref(1), Ref(3), Ref(4), Ref(2), Ref(5)]);
    }

    [Fact]
    public async Task Red_flags_read_as_labels_with_what_the_patient_was_shown_and_that_they_carried_on()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var api = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{Ref(2)}");
        var list = await (await staff.Http.GetAsync("/inbox?status=new&sort=urgency")).Content.ReadAsStringAsync();
        var detail = await (await staff.Http.GetAsync($"/inbox/requests/{Ref(4)}")).Content.ReadAsStringAsync();

        var flag = api.GetProperty("redFlags").EnumerateArray().ShouldHaveSingleItem();
        (flag.GetProperty("id").GetString(), flag.GetProperty("severity").GetString(), flag.GetProperty("label").GetString(), flag.GetProperty("advice").GetString())
            .ShouldBe(("self-harm", "urgent", "Self harm", "Call 111 and choose the mental health option."));
        Row(list, Ref(3)).ShouldContain("<strong class=\"nhsuk-tag nhsuk-tag--red\">Emergency: Chest pain</strong>");
        Row(list, Ref(2)).ShouldContain("<strong class=\"nhsuk-tag nhsuk-tag--orange\">Urgent: Self harm</strong>");
        detail.ShouldContain("<strong>Struggling to breathe</strong> (emergency)");
        detail.ShouldContain("The patient was shown: “Call 999 now if you are struggling to breathe.”");
        detail.ShouldContain("They chose to carry on and send this request.");
        detail.ShouldNotContain("struggling-to-breathe (emergency)");
    }

    [Fact]
    public async Task Sort_and_queue_that_cannot_be_read_are_named()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var api = await staff.Http.GetAsync("/api/inbox/requests?sort=loudest&queue=theirs");
        var page = await staff.Http.GetAsync("/inbox?sort=loudest");

        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("sort")[0].GetString().ShouldBe("sort must be newest, urgency or waiting.");
        problem.GetProperty("errors").GetProperty("queue")[0].GetString().ShouldBe("queue must be unassigned or mine.");
        page.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await page.Content.ReadAsStringAsync()).ShouldContain("sort must be newest, urgency or waiting.");
    }

    private static string Row(string html, string reference)
    {
        var start = html.IndexOf($"data-reference=\"{reference}\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, $"{reference} is not in the list");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<tr class=\"nhsuk-table__row\" data-reference=\"([A-Z0-9-]+)\"")]
    private static partial Regex RowPattern();
}
