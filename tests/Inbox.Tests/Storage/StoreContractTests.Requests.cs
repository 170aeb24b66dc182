using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static readonly string[] SurgeryA = ["surgery-a"];

    private static RequestQuery Query(string? search = null) => new() { ServiceIds = SurgeryA, Search = search };

    private async Task<string[]> ListedIds(RequestQuery query) =>
        (await Stores.Requests.ListAsync(query)).Items.Select(r => r.ReferenceId).ToArray();

    private async Task AddAll(params ContactRequest[] requests)
    {
        foreach (var request in requests)
        {
            (await Stores.Requests.AddAsync(request)).ShouldBe(AddResult.Added);
        }
    }

    [Fact]
    public async Task Added_request_reads_back_with_every_field()
    {
        var request = Request("ABCD-2345", firstName: "Zoë", lastName: "O'Brien-Ñúñez") with
        {
            Status = RequestStatus.InProgress,
            UpdatedAt = new DateTimeOffset(2025, 3, 3, 10, 15, 30, 123, TimeSpan.FromHours(1)),
            Patient = new PatientDetails("Zoë", "O'Brien-Ñúñez", new DateOnly(1931, 2, 28), Gender.PreferNotToSay, "SW1A 1AA"),
            SubmittedBy = new Submitter(SubmitterKind.Proxy, "Sam O'Brien", Relationship.FamilyMember),
            Contact = new ContactDetails("+447700900456", false, ContactPreference.Phone),
            Match = new MatchResult(MatchStatus.Matched, null, "9434765919"),
            RedFlags =
            [
                new RedFlagHit("chest-pain", "emergency", "Call 999 now."),
                new RedFlagHit("low-mood", "urgent", "Call 111."),
            ],
            Channel = Channel.Sms,
            AssignedTo = "staff@surgery-a.example",
            Notes =
            [
                new StaffNote(T0.AddMinutes(5), "staff@surgery-a.example", "Rang back, no answer.\nTry again at 2."),
                new StaffNote(T0.AddMinutes(9), "gp@surgery-a.example", "OK to issue."),
            ],
            FirstActionAt = T0.AddMinutes(5),
            FirstOpened = new FirstOpening(T0.AddMinutes(2), "staff@surgery-a.example"),
            Version = 3,
        };

        (await Stores.Requests.AddAsync(request)).ShouldBe(AddResult.Added);

        var stored = await Stores.Requests.GetAsync("ABCD-2345");
        ShouldBeSameRequest(stored, request);
    }

    [Fact]
    public async Task Unknown_reference_id_reads_as_null()
    {
        (await Stores.Requests.GetAsync("ZZZZ-9999")).ShouldBeNull();
    }

    [Fact]
    public async Task Duplicate_reference_id_is_refused_and_original_kept()
    {
        var original = Request("ABCD-2345");
        await Stores.Requests.AddAsync(original);

        var retried = Request("ABCD-2345", serviceId: "surgery-b", firstName: "Someone", lastName: "Else") with { Details = "other" };
        (await Stores.Requests.AddAsync(retried)).ShouldBe(AddResult.AlreadyExists);

        ShouldBeSameRequest(await Stores.Requests.GetAsync("ABCD-2345"), original);
        (await Stores.Requests.ListAsync(new RequestQuery { ServiceIds = ["surgery-a", "surgery-b"] })).Total.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_adds_of_one_reference_id_store_it_once()
    {
        var results = await RunConcurrently(20, i =>
            Stores.Requests.AddAsync(Request("ABCD-2345") with { Details = $"attempt {i}" }));

        results.Count(r => r == AddResult.Added).ShouldBe(1);
        var winner = Array.IndexOf(results, AddResult.Added);
        (await Stores.Requests.GetAsync("ABCD-2345"))!.Details.ShouldBe($"attempt {winner}");
    }

    [Fact]
    public async Task List_shows_only_the_readers_services()
    {
        await AddAll(
            Request("AAAA-0001", serviceId: "surgery-a"),
            Request("BBBB-0001", serviceId: "surgery-b"),
            Request("CCCC-0001", serviceId: "surgery-c"));

        (await ListedIds(new RequestQuery { ServiceIds = ["surgery-a"] })).ShouldBe(["AAAA-0001"]);
        (await ListedIds(new RequestQuery { ServiceIds = ["surgery-c", "surgery-a"] })).ShouldBe(["AAAA-0001", "CCCC-0001"], ignoreOrder: true);
        (await ListedIds(new RequestQuery { ServiceIds = ["surgery-z"] })).ShouldBeEmpty();
    }

    [Fact]
    public async Task Reader_with_no_services_sees_nothing()
    {
        await AddAll(Request("AAAA-0001"));

        var page = await Stores.Requests.ListAsync(new RequestQuery { ServiceIds = [] });

        page.Items.ShouldBeEmpty();
        page.Total.ShouldBe(0);
    }

    [Fact]
    public async Task List_is_newest_first_and_ties_go_by_reference_id()
    {
        await AddAll(
            Request("MMMM-0001", createdAt: T0.AddMinutes(1)),
            Request("NNNN-0002", createdAt: T0.AddMinutes(3)),
            Request("BBBB-0003", createdAt: T0.AddMinutes(2)),
            Request("AAAA-0004", createdAt: T0.AddMinutes(2)),
            Request("ZZZZ-0005", createdAt: T0));

        (await ListedIds(Query())).ShouldBe(["NNNN-0002", "AAAA-0004", "BBBB-0003", "MMMM-0001", "ZZZZ-0005"]);
    }

    [Fact]
    public async Task List_orders_by_the_moment_not_the_written_offset()
    {
        // 09:30+01:00 is 08:30Z: earlier than 09:00Z although it reads later.
        await AddAll(
            Request("AAAA-0001", createdAt: T0),
            Request("BBBB-0002", createdAt: new DateTimeOffset(2025, 3, 3, 9, 30, 0, TimeSpan.FromHours(1))));

        (await ListedIds(Query())).ShouldBe(["AAAA-0001", "BBBB-0002"]);
    }

    [Fact]
    public async Task List_filters_by_status()
    {
        await AddAll(
            Request("AAAA-0001") with { Status = RequestStatus.New },
            Request("BBBB-0002") with { Status = RequestStatus.InProgress },
            Request("CCCC-0003") with { Status = RequestStatus.Done });

        (await ListedIds(Query() with { Status = RequestStatus.InProgress })).ShouldBe(["BBBB-0002"]);
        (await ListedIds(Query() with { Status = RequestStatus.Done })).ShouldBe(["CCCC-0003"]);
    }

    [Fact]
    public async Task List_filters_by_matched_or_unmatched()
    {
        await AddAll(
            Request("AAAA-0001") with { Match = new MatchResult(MatchStatus.Matched, null, "9434765919") },
            Request("BBBB-0002") with { Match = new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null) },
            Request("CCCC-0003"));

        (await ListedIds(Query() with { Matched = true })).ShouldBe(["AAAA-0001"]);
        (await ListedIds(Query() with { Matched = false })).ShouldBe(["BBBB-0002", "CCCC-0003"], ignoreOrder: true);
    }

    [Fact]
    public async Task List_filters_by_request_type()
    {
        await AddAll(
            Request("AAAA-0001"),
            Request("BBBB-0002") with { RequestTypeId = "sick-note", RequestType = "Fit note" });

        (await ListedIds(Query() with { RequestTypeId = "sick-note" })).ShouldBe(["BBBB-0002"]);
        (await ListedIds(Query() with { RequestTypeId = "unknown" })).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_filters_by_red_flag()
    {
        await AddAll(
            Request("AAAA-0001") with { RedFlags = [new RedFlagHit("chest-pain", "emergency", "Call 999 now.")] },
            Request("BBBB-0002"));

        (await ListedIds(Query() with { RedFlagged = true })).ShouldBe(["AAAA-0001"]);
        (await ListedIds(Query() with { RedFlagged = false })).ShouldBe(["BBBB-0002"]);
    }

    [Fact]
    public async Task List_filters_combine()
    {
        await AddAll(
            Request("AAAA-0001", lastName: "Smith") with { Status = RequestStatus.Done },
            Request("BBBB-0002", lastName: "Smith"),
            Request("CCCC-0003", lastName: "Jones") with { Status = RequestStatus.Done },
            Request("DDDD-0004", serviceId: "surgery-b", lastName: "Smith") with { Status = RequestStatus.Done });

        (await ListedIds(Query("smith") with { Status = RequestStatus.Done })).ShouldBe(["AAAA-0001"]);
    }

    [Theory]
    [InlineData("ABCD-2345")]
    [InlineData("abcd-2345")]
    [InlineData("AbCd2345")]
    [InlineData("  abcd2345 ")]
    public async Task Search_finds_a_reference_id_in_any_case_with_or_without_the_hyphen(string search)
    {
        await AddAll(Request("ABCD-2345"), Request("ABCD-2346"), Request("WXYZ-2345"));

        (await ListedIds(Query(search))).ShouldBe(["ABCD-2345"]);
    }

    [Fact]
    public async Task Search_does_not_find_part_of_a_reference_id()
    {
        await AddAll(Request("ABCD-2345"));

        (await ListedIds(Query("ABCD"))).ShouldBeEmpty();
        (await ListedIds(Query("2345"))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("love")]
    [InlineData("LOVELACE")]
    [InlineData("ada")]
    [InlineData("elac")]
    public async Task Search_finds_part_of_a_first_or_last_name_in_any_case(string search)
    {
        await AddAll(
            Request("AAAA-0001", firstName: "Ada", lastName: "Lovelace"),
            Request("BBBB-0002", firstName: "Grace", lastName: "Hopper"));

        (await ListedIds(Query(search))).ShouldBe(["AAAA-0001"]);
    }

    [Fact]
    public async Task Search_of_several_words_needs_each_in_the_first_or_last_name()
    {
        await AddAll(
            Request("AAAA-0001", firstName: "John", lastName: "Smith"),
            Request("BBBB-0002", firstName: "John", lastName: "Jones"),
            Request("CCCC-0003", firstName: "Jane", lastName: "Smith"));

        (await ListedIds(Query("jo smi"))).ShouldBe(["AAAA-0001"]);
    }

    [Fact]
    public async Task Search_matches_names_beyond_ascii_in_any_case()
    {
        await AddAll(Request("AAAA-0001", firstName: "Zoë", lastName: "Łukasiewicz"), Request("BBBB-0002"));

        (await ListedIds(Query("ZOË"))).ShouldBe(["AAAA-0001"]);
        (await ListedIds(Query("łuka"))).ShouldBe(["AAAA-0001"]);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("a%e")]
    [InlineData("\\")]
    public async Task Search_takes_wildcard_characters_literally(string search)
    {
        await AddAll(Request("AAAA-0001", firstName: "Ada", lastName: "Lovelace"), Request("BBBB-0002", firstName: "Grace", lastName: "Hopper"));

        (await ListedIds(Query(search))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Search_finds_a_name_that_holds_a_wildcard_character()
    {
        await AddAll(Request("AAAA-0001", lastName: "Smith_Jones"), Request("BBBB-0002", lastName: "SmithXJones"));

        (await ListedIds(Query("h_j"))).ShouldBe(["AAAA-0001"]);
    }

    [Fact]
    public async Task Blank_search_does_not_filter()
    {
        await AddAll(Request("AAAA-0001"), Request("BBBB-0002"));

        (await ListedIds(Query("   "))).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Paging_gives_each_request_once_and_the_filtered_total()
    {
        var requests = Enumerable.Range(0, 23)
            .Select(i => Request($"PAGE-{i:D4}", createdAt: T0.AddMinutes(i)))
            .Append(Request("OTHR-0001", serviceId: "surgery-b"))
            .ToArray();
        await AddAll(requests);

        var pages = new List<RequestPage>();
        for (var page = 1; page <= 3; page++)
        {
            pages.Add(await Stores.Requests.ListAsync(Query() with { Page = page, PageSize = 10 }));
        }

        pages.Select(p => p.Items.Count).ShouldBe([10, 10, 3]);
        pages.ShouldAllBe(p => p.Total == 23 && p.PageSize == 10);
        pages.Select(p => p.Page).ShouldBe([1, 2, 3]);
        pages.SelectMany(p => p.Items).Select(r => r.ReferenceId)
            .ShouldBe(Enumerable.Range(0, 23).Reverse().Select(i => $"PAGE-{i:D4}"));
    }

    [Fact]
    public async Task Page_past_the_end_is_empty_but_keeps_the_total()
    {
        await AddAll(Request("AAAA-0001"), Request("BBBB-0002"));

        var page = await Stores.Requests.ListAsync(Query() with { Page = 5, PageSize = 10 });

        page.Items.ShouldBeEmpty();
        page.Total.ShouldBe(2);
        page.Page.ShouldBe(5);
    }

    [Theory]
    [InlineData(0, 25, 1, 25)]
    [InlineData(-3, 25, 1, 25)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, -5, 1, 1)]
    [InlineData(1, 1000, 1, 100)]
    public async Task Page_and_page_size_are_brought_into_range(int page, int pageSize, int expectedPage, int expectedPageSize)
    {
        await AddAll(Enumerable.Range(0, 101).Select(i => Request($"PAGE-{i:D4}", createdAt: T0.AddSeconds(i))).ToArray());

        var result = await Stores.Requests.ListAsync(Query() with { Page = page, PageSize = pageSize });

        result.Page.ShouldBe(expectedPage);
        result.PageSize.ShouldBe(expectedPageSize);
        result.Items.Count.ShouldBe(expectedPageSize);
        result.Total.ShouldBe(101);
    }

    [Fact]
    public async Task Update_with_the_next_version_replaces_the_request()
    {
        await AddAll(Request("ABCD-2345"));
        var assigned = Request("ABCD-2345") with
        {
            Status = RequestStatus.InProgress,
            AssignedTo = "staff@surgery-a.example",
            Notes = [new StaffNote(T0.AddMinutes(3), "staff@surgery-a.example", "Taking this one.")],
            Version = 2,
        };

        (await Stores.Requests.TryUpdateAsync(assigned)).ShouldBeTrue();

        ShouldBeSameRequest(await Stores.Requests.GetAsync("ABCD-2345"), assigned);
    }

    [Fact]
    public async Task An_update_with_its_audit_line_stores_both_and_a_refused_one_neither()
    {
        await AddAll(Request("ABCD-2345"));
        var assigned = Request("ABCD-2345") with { AssignedTo = "alice@surgery-a.example", Version = 2 };
        var line = new AuditEntry(T0.AddMinutes(2), "alice@surgery-a.example", "request.assigned", "surgery-a", "ABCD-2345", "to alice@surgery-a.example");

        (await Stores.Requests.TryUpdateAsync(assigned, line)).ShouldBeTrue();
        // The same version again (someone else's change from the same read): refused, and no line for it.
        (await Stores.Requests.TryUpdateAsync(assigned with { AssignedTo = "bob@surgery-a.example" }, line with { Detail = "to bob@surgery-a.example" })).ShouldBeFalse();

        ShouldBeSameRequest(await Stores.Requests.GetAsync("ABCD-2345"), assigned);
        (await Stores.Audit.QueryAsync(new AuditQuery { ReferenceId = "ABCD-2345" })).ShouldBe([line]);

        // An ordinary update after it keeps the line, and the next audited one adds its own.
        var done = assigned with { Status = RequestStatus.Done, Version = 3 };
        (await Stores.Requests.TryUpdateAsync(done)).ShouldBeTrue();
        var closed = line with { At = T0.AddMinutes(3), Action = "request.status-changed", Detail = "done -> new" };
        (await Stores.Requests.TryUpdateAsync(done with { Status = RequestStatus.New, Version = 4 }, closed)).ShouldBeTrue();
        (await Stores.Audit.QueryAsync(new AuditQuery { ReferenceId = "ABCD-2345" })).ShouldBe([line, closed]);
        (await Stores.Requests.GetAsync("ABCD-2345"))!.Version.ShouldBe(4);
    }

    [Fact]
    public async Task Update_with_a_stale_version_is_refused_and_nothing_is_lost()
    {
        await AddAll(Request("ABCD-2345"));
        var readByBoth = (await Stores.Requests.GetAsync("ABCD-2345"))!;
        var first = readByBoth with { Notes = [new StaffNote(T0.AddMinutes(1), "alice@surgery-a.example", "Called patient.")], Version = 2 };
        var second = readByBoth with { Status = RequestStatus.Done, Version = 2 };

        (await Stores.Requests.TryUpdateAsync(first)).ShouldBeTrue();
        (await Stores.Requests.TryUpdateAsync(second)).ShouldBeFalse();

        var stored = (await Stores.Requests.GetAsync("ABCD-2345"))!;
        stored.Notes.Single().Text.ShouldBe("Called patient.");
        stored.Status.ShouldBe(RequestStatus.New);
        stored.Version.ShouldBe(2);
    }

    [Fact]
    public async Task Update_that_skips_a_version_is_refused()
    {
        await AddAll(Request("ABCD-2345"));

        (await Stores.Requests.TryUpdateAsync(Request("ABCD-2345") with { Status = RequestStatus.Done, Version = 3 })).ShouldBeFalse();
        (await Stores.Requests.TryUpdateAsync(Request("ABCD-2345") with { Status = RequestStatus.Done, Version = 1 })).ShouldBeFalse();

        (await Stores.Requests.GetAsync("ABCD-2345"))!.Status.ShouldBe(RequestStatus.New);
    }

    [Fact]
    public async Task Update_of_an_unknown_request_is_refused_and_adds_nothing()
    {
        (await Stores.Requests.TryUpdateAsync(Request("ABCD-2345") with { Version = 2 })).ShouldBeFalse();

        (await Stores.Requests.GetAsync("ABCD-2345")).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_updates_of_one_version_have_exactly_one_winner()
    {
        await AddAll(Request("ABCD-2345"));

        var results = await RunConcurrently(20, i =>
            Stores.Requests.TryUpdateAsync(Request("ABCD-2345") with { AssignedTo = $"staff{i}@surgery-a.example", Version = 2 }));

        results.Count(updated => updated).ShouldBe(1);
        var winner = Array.IndexOf(results, true);
        (await Stores.Requests.GetAsync("ABCD-2345"))!.AssignedTo.ShouldBe($"staff{winner}@surgery-a.example");
    }

    [Fact]
    public async Task List_filters_see_the_updated_request()
    {
        await AddAll(Request("ABCD-2345", lastName: "Lovelace"));

        await Stores.Requests.TryUpdateAsync(Request("ABCD-2345", lastName: "Byron") with
        {
            Status = RequestStatus.Done,
            Match = new MatchResult(MatchStatus.Matched, null, "9434765919"),
            RedFlags = [new RedFlagHit("chest-pain", "emergency", "Call 999 now.")],
            RequestTypeId = "sick-note",
            Version = 2,
        });

        (await ListedIds(Query() with { Status = RequestStatus.New })).ShouldBeEmpty();
        (await ListedIds(Query() with { Status = RequestStatus.Done, Matched = true, RedFlagged = true, RequestTypeId = "sick-note" }))
            .ShouldBe(["ABCD-2345"]);
        (await ListedIds(Query("lovelace"))).ShouldBeEmpty();
        (await ListedIds(Query("byron"))).ShouldBe(["ABCD-2345"]);
    }

    [Fact]
    public async Task Count_since_counts_one_services_requests_from_that_moment_on()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0.AddMinutes(-1)),
            Request("BBBB-0002", createdAt: T0),
            Request("CCCC-0003", createdAt: T0.AddHours(3)),
            Request("DDDD-0004", serviceId: "surgery-b", createdAt: T0.AddHours(1)));

        (await Stores.Requests.CountSinceAsync("surgery-a", T0)).ShouldBe(2);
        (await Stores.Requests.CountSinceAsync("surgery-b", T0)).ShouldBe(1);
        (await Stores.Requests.CountSinceAsync("surgery-z", T0)).ShouldBe(0);
    }

    [Fact]
    public async Task Unmatched_for_a_reason_are_listed_oldest_first_up_to_the_limit()
    {
        var pdsDown = new MatchResult(MatchStatus.Unmatched, MatchReason.PdsUnavailable, null);
        await AddAll(
            Request("AAAA-0001", createdAt: T0.AddMinutes(2)) with { Match = pdsDown },
            Request("BBBB-0002", createdAt: T0.AddMinutes(1)) with { Match = pdsDown },
            Request("CCCC-0003", createdAt: T0.AddMinutes(3)) with { Match = pdsDown },
            Request("DDDD-0004", createdAt: T0) with { Match = new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null) },
            Request("EEEE-0005", createdAt: T0) with { Match = new MatchResult(MatchStatus.Matched, MatchReason.PdsUnavailable, "9434765919") },
            Request("FFFF-0006", serviceId: "surgery-b", createdAt: T0.AddMinutes(4)) with { Match = pdsDown });

        var unmatched = await Stores.Requests.ListUnmatchedAsync(MatchReason.PdsUnavailable, limit: 3);

        unmatched.Select(r => r.ReferenceId).ShouldBe(["BBBB-0002", "AAAA-0001", "CCCC-0003"]);
        (await Stores.Requests.ListUnmatchedAsync(MatchReason.PdsUnavailable, limit: 10)).Count.ShouldBe(4);
        (await Stores.Requests.ListUnmatchedAsync(MatchReason.NotYetChecked, limit: 10)).ShouldBeEmpty();
    }
}
