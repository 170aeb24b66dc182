using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>The list's counts, filters, search and paging, over HTTP, on a service of its own with known requests.</summary>
public sealed class InboxListTests : IClassFixture<InboxListTests.Seeded>
{
    private readonly Seeded _seeded;

    public InboxListTests(Seeded seeded) => _seeded = seeded;

    private ServiceHost Host => _seeded.Host;

    /// <summary>30 Riverside requests (LJST-0000 to LJST-0029: 10 new, 12 in progress, 8 done; every third matched; every fifth red-flagged; alternate types) and 3 of Northside's (LJST-0030 to LJST-0032).</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

        public ServiceHost Host { get; private set; } = null!;

        public List<ContactRequest> Riverside { get; } = [];

        public async Task InitializeAsync()
        {
            // No matching worker here: these requests are written straight to the store, already decided.
            Host = await ServiceHost.StartAsync(Settings());
            var store = Host.Services.GetRequiredService<IRequestStore>();
            for (var i = 0; i < 33; i++)
            {
                var riverside = i < 30;
                var request = new ContactRequest
                {
                    ReferenceId = $"LJST-{i:D4}",
                    ServiceId = riverside ? "riverside-gp" : "northside-community",
                    Status = i < 10 ? RequestStatus.New : i < 22 ? RequestStatus.InProgress : RequestStatus.Done,
                    RequestTypeId = i % 2 == 0 ? "medical-request" : "admin-request",
                    RequestType = i % 2 == 0 ? "Medical request" : "Admin request",
                    Details = $"Request number {i}",
                    CreatedAt = Start.AddMinutes(i),
                    UpdatedAt = Start.AddMinutes(i),
                    Patient = new PatientDetails(i % 4 == 0 ? "Jane" : "Omar", i % 4 == 0 ? "Smith" : "Khan", new DateOnly(1980, 1, 1), Gender.Other, "LS1 6AE"),
                    SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
                    Contact = new ContactDetails(JanesMobile, true, ContactPreference.Text),
                    Match = i % 3 == 0 ? new MatchResult(MatchStatus.Matched, null, "9000000009") : new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null),
                    RedFlags = i % 5 == 0 ? [new RedFlagHit("chest-pain", "emergency", "Call 999")] : [],
                    Channel = Channel.Sms,
                    ConversationKey = $"list:{i}",
                    // Already opened, so no emergency banner lists them on every page (InboxTriageTests covers that).
                    FirstOpened = new FirstOpening(Start, RiversideStaff),
                };
                await store.AddAsync(request);
                if (riverside)
                {
                    Riverside.Add(request);
                }
            }
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static List<string> References(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("referenceId").GetString()!)];

    [Fact]
    public async Task List_is_newest_first_in_pages_of_25_with_counts_per_status()
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        var newestFirst = _seeded.Riverside.OrderByDescending(r => r.CreatedAt).Select(r => r.ReferenceId).ToList();

        var first = await (await staff.Http.GetAsync("/inbox")).Content.ReadAsStringAsync();
        var second = await (await staff.Http.GetAsync("/inbox?page=2")).Content.ReadAsStringAsync();

        first.ShouldContain("Showing 1 to 25 of 30 requests, newest first.");
        first.ShouldContain("All <span class=\"nhsuk-u-visually-hidden\">requests</span>(30)");
        first.ShouldContain("New (10)");
        first.ShouldContain("In progress (12)");
        first.ShouldContain("Done (8)");
        first.ShouldContain("href=\"/inbox?page=2\"");
        first.IndexOf(newestFirst[0], StringComparison.Ordinal).ShouldBeLessThan(first.IndexOf(newestFirst[24], StringComparison.Ordinal));
        first.ShouldNotContain(newestFirst[25]);
        second.ShouldContain("Showing 26 to 30 of 30 requests, newest first.");
        second.ShouldContain(newestFirst[29]);
        second.ShouldContain("href=\"/inbox\"");
        second.ShouldNotContain("LJST-0030");

        var api = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?page=2&pageSize=10");
        References(api).ShouldBe(newestFirst.Skip(10).Take(10));
        (api.GetProperty("total").GetInt64(), api.GetProperty("page").GetInt32(), api.GetProperty("pageSize").GetInt32()).ShouldBe((30L, 2, 10));
    }

    [Theory]
    [InlineData("status=in-progress", "InProgress")]
    [InlineData("matched=matched", "Matched")]
    [InlineData("matched=unmatched", "Unmatched")]
    [InlineData("requestType=admin-request", "Admin")]
    [InlineData("redFlag=yes", "RedFlag")]
    [InlineData("redFlag=no&status=done", "NoRedFlagDone")]
    public async Task Filters_give_exactly_the_matching_requests_on_the_page_and_in_the_api(string query, string which)
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        Func<ContactRequest, bool> expected = which switch
        {
            "InProgress" => r => r.Status == RequestStatus.InProgress,
            "Matched" => r => r.Match.Status == MatchStatus.Matched,
            "Unmatched" => r => r.Match.Status == MatchStatus.Unmatched,
            "Admin" => r => r.RequestTypeId == "admin-request",
            "RedFlag" => r => r.RedFlags.Count > 0,
            _ => r => r.RedFlags.Count == 0 && r.Status == RequestStatus.Done,
        };
        var wanted = _seeded.Riverside.Where(expected).OrderByDescending(r => r.CreatedAt).Select(r => r.ReferenceId).ToList();

        var api = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests?{query}&pageSize=100");
        var page = await (await staff.Http.GetAsync($"/inbox?{query}&pageSize=100")).Content.ReadAsStringAsync();

        References(api).ShouldBe(wanted);
        page.ShouldContain($"of {wanted.Count} request");
        foreach (var reference in _seeded.Riverside.Select(r => r.ReferenceId))
        {
            page.Contains($"/inbox/requests/{reference}\"", StringComparison.Ordinal).ShouldBe(wanted.Contains(reference), reference);
        }
    }

    [Fact]
    public async Task Search_by_name_or_reference_is_posted_and_finds_only_the_staff_members_requests()
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);
        var smiths = _seeded.Riverside.Where(r => r.Patient.LastName == "Smith").Select(r => r.ReferenceId).ToList();

        var byName = await staff.Http.PostAsync("/inbox/search", StaffClient.Form(("q", "jane smi"), ("__RequestVerificationToken", await staff.SessionTokenAsync())));
        var byReference = await staff.Http.PostAsync("/inbox/search", StaffClient.Form(("q", " ljst0004 "), ("__RequestVerificationToken", await staff.SessionTokenAsync())));
        var otherService = await staff.Http.PostAsync("/inbox/search", StaffClient.Form(("q", "LJST-0032"), ("__RequestVerificationToken", await staff.SessionTokenAsync())));
        var empty = await staff.Http.PostAsync("/inbox/search", StaffClient.Form(("q", " "), ("status", "done"), ("__RequestVerificationToken", await staff.SessionTokenAsync())));

        byName.StatusCode.ShouldBe(HttpStatusCode.OK);
        var names = await byName.Content.ReadAsStringAsync();
        names.ShouldContain($"Showing 1 to {smiths.Count} of {smiths.Count} requests");
        smiths.ShouldAllBe(r => names.Contains(r));
        (await byReference.Content.ReadAsStringAsync()).ShouldContain("Showing 1 to 1 of 1 request,");
        (await otherService.Content.ReadAsStringAsync()).ShouldContain("No requests match");
        empty.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        empty.Headers.Location!.OriginalString.ShouldBe("/inbox?status=done");
    }

    [Fact]
    public async Task Filters_that_cannot_be_read_are_named_on_the_page()
    {
        using var staff = await StaffClient.SignInAsync(Host, RiversideStaff);

        var response = await staff.Http.GetAsync("/inbox?status=closed&page=0");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("There is a problem");
        html.ShouldContain("status must be new, in-progress or done.");
        html.ShouldContain("page must be a whole number from 1.");
    }
}
