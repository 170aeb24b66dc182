using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Triage;

/// <summary>Every report chart's figures, and the weekly data file, from the seeded service whose numbers the tests know (see <see cref="TriageSeed"/>).</summary>
public sealed partial class ReportsTests : IClassFixture<InboxTriageTests.Seeded>
{
    private readonly ServiceHost _host;

    public ReportsTests(InboxTriageTests.Seeded seeded) => _host = seeded.Host;

    private async Task<string> ReportsPageAsync(StaffClient staff)
    {
        var response = await staff.Http.GetAsync("/inbox/reports");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A chart's table, row by row: label and the value as shown.</summary>
    private static List<(string Label, string Value)> Table(string html, string chartId)
    {
        var start = html.IndexOf($"<section class=\"pc-report\" id=\"{chartId}\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, $"no chart {chartId}");
        var section = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
        section.ShouldContain($"<svg class=\"pc-report__chart\" role=\"img\" aria-labelledby=\"{chartId}-title {chartId}-summary\"");
        return [.. RowPattern().Matches(section).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))];
    }

    private static string Summary(string html, string chartId) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"<p id=\"{chartId}-summary\">(.*?)</p>").Groups[1].Value);

    private static List<(string, string)> NonZero(List<(string Label, string Value)> rows) => [.. rows.Where(r => r.Value != "0")];

    [Fact]
    public async Task Reports_page_draws_every_chart_with_the_seeded_figures_in_its_table()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var html = await ReportsPageAsync(staff);

        html.ShouldContain("Riverside GP Practice: the last 28 days, 29 October 2026 to 25 November 2026 (today, so far), UK time.");
        var perDay = Table(html, "per-day");
        perDay.Count.ShouldBe(28);
        (perDay[0].Label, perDay[^1].Label).ShouldBe(("Thu 29 Oct", "Wed 25 Nov"));
        NonZero(perDay).ShouldBe([("Tue 10 Nov", "3"), ("Tue 24 Nov", "1"), ("Wed 25 Nov", "4")]);
        Summary(html, "per-day").ShouldBe("8 requests in 28 days; the busiest day was Wed 25 Nov with 4.");

        var byHour = Table(html, "by-hour");
        byHour.Count.ShouldBe(24);
        NonZero(byHour).ShouldBe([("09:00", "1"), ("10:00", "2"), ("11:00", "2"), ("14:00", "3")]);

        Table(html, "by-channel").ShouldBe([("Web chat", "4"), ("Text message", "4"), ("Online form", "0"), ("Entered by staff", "0")]);
        Table(html, "by-type").ShouldBe([("Medical request", "5"), ("Admin request", "3")]);
        Table(html, "matching").ShouldBe([("Matched to an NHS record", "4"), ("Not matched: none", "3"), ("Not matched: phone not verified", "1")]);
        Summary(html, "matching").ShouldBe("50% of requests (4 of 8) were matched to an NHS record.");
        Table(html, "red-flags").ShouldBe([("Emergency red flag", "2"), ("Urgent red flag (no emergency)", "1"), ("No red flag", "5")]);

        // Acted on after 5, 10, 30, 60, 120 and 240 minutes; TRGE-0001 and TRGE-0003 wait.
        Table(html, "first-action").ShouldBe([("Median", "30 min"), ("90th percentile", "4 h")]);
        Summary(html, "first-action").ShouldBe("Half of the 6 requests acted on were first acted on within 30 min, and 9 in 10 within 4 h; 2 not yet acted on.");

        Table(html, "advice").ShouldBe([
            ("Told to call 999 and did not send a request", "3"),
            ("Shown emergency red-flag advice and sent the request", "2"),
            ("Chose to stop after red-flag advice", "1"),
            ("Shown advice instead of sending a request", "1"),
        ]);
        var stops = Table(html, "stops");
        stops[0].ShouldBe(("Is it an emergency?", "0"));
        NonZero(stops).ShouldBe([("Details of the request", "2"), ("Code texted to the mobile", "3")]);
        Summary(html, "stops").ShouldBe("5 conversations went no further than a step and were given up (most at \"Code texted to the mobile\", 3); 8 requests were sent.");
        html.ShouldNotContain("<script");
    }

    [Fact]
    public async Task Another_services_staff_see_only_their_own_figures()
    {
        using var northside = await StaffClient.SignInAsync(_host, NorthsideStaff);

        var html = await ReportsPageAsync(northside);

        html.ShouldContain("Northside Community Health NHS Trust: the last 28 days");
        NonZero(Table(html, "per-day")).ShouldBe([("Wed 25 Nov", "1")]);
        Table(html, "red-flags")[0].ShouldBe(("Emergency red flag", "1"));
        Table(html, "advice")[0].ShouldBe(("Told to call 999 and did not send a request", "1"));
        NonZero(Table(html, "stops")).ShouldBe([("Code texted to the mobile", "1")]);
    }

    [Fact]
    public async Task Weekly_file_for_a_seeded_week_has_a_row_per_day_and_measure_from_the_api_and_the_page()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var api = await staff.Http.GetAsync("/api/inbox/reports/weekly?serviceId=riverside-gp&week=2026-W46");
        var page = await staff.Http.GetAsync("/inbox/reports/weekly?serviceId=riverside-gp&week=2026-w46");

        api.StatusCode.ShouldBe(HttpStatusCode.OK);
        api.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        api.Content.Headers.ContentDisposition!.FileName.ShouldBe("patientcontact-riverside-gp-2026-W46.csv");
        var csv = await api.Content.ReadAsStringAsync();
        (await page.Content.ReadAsStringAsync()).ShouldBe(csv);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1 + (7 * 9));
        lines[0].ShouldBe("date,service_id,ods_code,measure,category,label,count");
        lines.Skip(1).Select(l => l[..10]).Distinct().ShouldBe(["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-14", "2026-11-15"]);
        lines.Where(l => l.StartsWith("2026-11-10", StringComparison.Ordinal)).ShouldBe([
            "2026-11-10,riverside-gp,Z90001,requests,all,All requests,3",
            "2026-11-10,riverside-gp,Z90001,requests_by_type,admin-request,Admin request,3",
            "2026-11-10,riverside-gp,Z90001,requests_by_channel,webchat,Web chat,0",
            "2026-11-10,riverside-gp,Z90001,requests_by_channel,sms,Text message,3",
            "2026-11-10,riverside-gp,Z90001,requests_by_channel,form,Online form,0",
            "2026-11-10,riverside-gp,Z90001,requests_by_channel,staff,Entered by staff,0",
            "2026-11-10,riverside-gp,Z90001,emergency_advice_shown,all,Told to call 999 without sending a request,1",
            "2026-11-10,riverside-gp,Z90001,red_flags,emergency,Requests with an emergency red flag,0",
            "2026-11-10,riverside-gp,Z90001,red_flags,urgent,Requests with an urgent red flag (no emergency),0",
        ]);
        lines.Where(l => l.StartsWith("2026-11-09", StringComparison.Ordinal)).ShouldAllBe(l => l.EndsWith(",0", StringComparison.Ordinal));

        // The last week that is over (16 to 22 November) had nothing: every day is there, at zero.
        var quiet = (await (await staff.Http.GetAsync("/api/inbox/reports/weekly?serviceId=riverside-gp&week=2026-W47")).Content.ReadAsStringAsync())
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        quiet.Length.ShouldBe(1 + (7 * 8), "no type was sent, so no requests_by_type rows");
        quiet.Skip(1).ShouldAllBe(l => l.EndsWith(",0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Week_not_yet_over_is_refused_with_the_day_it_can_be_made()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var api = await staff.Http.GetAsync("/api/inbox/reports/weekly?serviceId=riverside-gp&week=2026-W48");
        var page = await staff.Http.GetAsync("/inbox/reports/weekly?serviceId=riverside-gp&week=2026-W48");

        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("week")[0].GetString()
            .ShouldBe("Week 2026-W48 is not over yet: it ends on Sunday 29 November 2026. Its file can be made from Monday 30 November 2026.");
        page.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("There is a problem");
        html.ShouldContain("<a href=\"#week\">Week 2026-W48 is not over yet: it ends on Sunday 29 November 2026. Its file can be made from Monday 30 November 2026.</a>");
        html.ShouldContain("value=\"2026-W48\"");
    }

    [Theory]
    [InlineData("serviceId=riverside-gp&week=2026-48", HttpStatusCode.BadRequest, "week", "'2026-48' is not a week: write the year, W and the week number, like 2026-W48.")]
    [InlineData("serviceId=riverside-gp&week=2026-W54", HttpStatusCode.BadRequest, "week", "2026 has no week 54: its weeks are 1 to 53.")]
    [InlineData("serviceId=riverside-gp", HttpStatusCode.BadRequest, "week", "Enter the week, like 2026-W48.")]
    [InlineData("serviceId=northside-community&week=2026-W46", HttpStatusCode.NotFound, null, null)]
    [InlineData("serviceId=nowhere-gp&week=2026-W46", HttpStatusCode.NotFound, null, null)]
    public async Task Weekly_file_refuses_what_it_cannot_give(string query, HttpStatusCode status, string? field, string? reason)
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        var response = await staff.Http.GetAsync($"/api/inbox/reports/weekly?{query}");

        response.StatusCode.ShouldBe(status);
        if (field is not null)
        {
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)[0].GetString().ShouldBe(reason);
        }
    }

    [Fact]
    public async Task Reports_need_a_session()
    {
        using var anonymous = StaffClient.Anonymous(_host);

        (await anonymous.Http.GetAsync("/api/inbox/reports/weekly?serviceId=riverside-gp&week=2026-W46")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await anonymous.Http.GetAsync("/inbox/reports");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldContain("/inbox/login");
    }

    [GeneratedRegex("<th class=\"nhsuk-table__header\" scope=\"row\">(.*?)</th>\\s*<td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();
}
