using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static RedFlagHit Flag(string severity) => new($"{severity}-rule", severity, "Advice shown.");

    [Fact]
    public async Task Urgency_sort_puts_emergencies_then_urgent_then_the_rest_oldest_first_within_each()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0.AddMinutes(1)),
            Request("AAAA-0002", createdAt: T0.AddMinutes(2)) with { RedFlags = [Flag("urgent")] },
            Request("AAAA-0003", createdAt: T0.AddMinutes(3)) with { RedFlags = [Flag("urgent"), Flag("emergency")] },
            Request("AAAA-0004", createdAt: T0.AddMinutes(4)),
            Request("AAAA-0005", createdAt: T0.AddMinutes(5)) with { RedFlags = [Flag("emergency")] },
            Request("AAAA-0006", createdAt: T0) with { RedFlags = [Flag("urgent")] });

        (await ListedIds(Query() with { Sort = RequestSort.Urgency }))
            .ShouldBe(["AAAA-0003", "AAAA-0005", "AAAA-0006", "AAAA-0002", "AAAA-0001", "AAAA-0004"]);
        // The default stays newest first.
        (await ListedIds(Query()))
            .ShouldBe(["AAAA-0005", "AAAA-0004", "AAAA-0003", "AAAA-0002", "AAAA-0001", "AAAA-0006"]);
    }

    [Fact]
    public async Task Urgency_sort_follows_red_flags_added_by_an_update_and_pages_in_that_order()
    {
        await AddAll(Request("AAAA-0001", createdAt: T0), Request("AAAA-0002", createdAt: T0.AddMinutes(1)), Request("AAAA-0003", createdAt: T0.AddMinutes(2)));
        var flagged = (await Stores.Requests.GetAsync("AAAA-0003"))! with { RedFlags = [Flag("emergency")], Version = 2 };
        (await Stores.Requests.TryUpdateAsync(flagged)).ShouldBeTrue();

        (await ListedIds(Query() with { Sort = RequestSort.Urgency, PageSize = 2 })).ShouldBe(["AAAA-0003", "AAAA-0001"]);
        (await ListedIds(Query() with { Sort = RequestSort.Urgency, PageSize = 2, Page = 2 })).ShouldBe(["AAAA-0002"]);
    }

    [Fact]
    public async Task Waiting_sort_puts_requests_nobody_has_acted_on_first_longest_waiting_at_the_top()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0) with { FirstActionAt = T0.AddMinutes(30) },
            Request("AAAA-0002", createdAt: T0.AddMinutes(1)),
            Request("AAAA-0003", createdAt: T0.AddMinutes(2)) with { FirstActionAt = T0.AddMinutes(10) },
            Request("AAAA-0004", createdAt: T0.AddMinutes(3)));

        (await ListedIds(Query() with { Sort = RequestSort.Waiting })).ShouldBe(["AAAA-0002", "AAAA-0004", "AAAA-0003", "AAAA-0001"]);
    }

    [Fact]
    public async Task Queues_pick_unassigned_requests_or_one_persons_requests()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0) with { AssignedTo = "amy@surgery-a.example" },
            Request("AAAA-0002", createdAt: T0.AddMinutes(1)),
            Request("AAAA-0003", createdAt: T0.AddMinutes(2)) with { AssignedTo = "bob@surgery-a.example" },
            Request("AAAA-0004", createdAt: T0.AddMinutes(3)) with { AssignedTo = "amy@surgery-a.example" });

        (await ListedIds(Query() with { Unassigned = true })).ShouldBe(["AAAA-0002"]);
        (await ListedIds(Query() with { AssignedTo = "amy@surgery-a.example" })).ShouldBe(["AAAA-0004", "AAAA-0001"]);

        // Assigning takes a request out of the unassigned queue.
        var taken = (await Stores.Requests.GetAsync("AAAA-0002"))! with { AssignedTo = "bob@surgery-a.example", Version = 2 };
        (await Stores.Requests.TryUpdateAsync(taken)).ShouldBeTrue();
        (await Stores.Requests.ListAsync(Query() with { Unassigned = true })).Total.ShouldBe(0);
        (await ListedIds(Query() with { AssignedTo = "bob@surgery-a.example" })).ShouldBe(["AAAA-0003", "AAAA-0002"]);
    }

    [Fact]
    public async Task Emergencies_nobody_has_opened_are_listed_until_someone_opens_them()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0) with { RedFlags = [Flag("emergency")] },
            Request("AAAA-0002", createdAt: T0.AddMinutes(1)) with { RedFlags = [Flag("urgent")] },
            Request("AAAA-0003", createdAt: T0.AddMinutes(2)) with { RedFlags = [Flag("emergency")], FirstOpened = new FirstOpening(T0.AddMinutes(3), "amy@surgery-a.example") },
            Request("AAAA-0004", createdAt: T0.AddMinutes(3), serviceId: "surgery-b") with { RedFlags = [Flag("emergency")] },
            Request("AAAA-0005", createdAt: T0.AddMinutes(4)) with { RedFlags = [Flag("emergency")] });

        (await ListedIds(Query() with { AwaitingFirstOpening = true })).ShouldBe(["AAAA-0005", "AAAA-0001"]);

        var opened = (await Stores.Requests.GetAsync("AAAA-0001"))! with { FirstOpened = new FirstOpening(T0.AddMinutes(9), "bob@surgery-a.example"), Version = 2 };
        (await Stores.Requests.TryUpdateAsync(opened)).ShouldBeTrue();

        (await ListedIds(Query() with { AwaitingFirstOpening = true })).ShouldBe(["AAAA-0005"]);
        (await Stores.Requests.GetAsync("AAAA-0001"))!.FirstOpened.ShouldBe(new FirstOpening(T0.AddMinutes(9), "bob@surgery-a.example"));
    }

    [Fact]
    public async Task Facts_for_reports_cover_the_window_and_the_services_asked_for_oldest_first()
    {
        await AddAll(
            Request("AAAA-0001", createdAt: T0.AddMinutes(-1)),
            Request("AAAA-0002", createdAt: T0) with
            {
                Channel = Channel.Sms,
                Match = new MatchResult(MatchStatus.Matched, null, "9434765919"),
                RedFlags = [Flag("urgent")],
                FirstActionAt = T0.AddMinutes(42),
            },
            Request("AAAA-0003", createdAt: T0.AddHours(1)) with { RedFlags = [Flag("emergency")], Match = new MatchResult(MatchStatus.Unmatched, MatchReason.SeveralMatches, null) },
            Request("AAAA-0004", createdAt: T0.AddHours(2), serviceId: "surgery-b"),
            Request("AAAA-0005", createdAt: T0.AddHours(3), serviceId: "surgery-c"),
            Request("AAAA-0006", createdAt: T0.AddDays(1)));

        var facts = await Stores.Requests.ListFactsAsync(["surgery-a", "surgery-b"], T0, T0.AddDays(1));

        facts.ShouldBe([
            new RequestFacts("surgery-a", T0, Channel.Sms, "repeat-prescription", "Repeat prescription", true, null, Urgency.Urgent, T0.AddMinutes(42)),
            new RequestFacts("surgery-a", T0.AddHours(1), Channel.WebChat, "repeat-prescription", "Repeat prescription", false, MatchReason.SeveralMatches, Urgency.Emergency, null),
            new RequestFacts("surgery-b", T0.AddHours(2), Channel.WebChat, "repeat-prescription", "Repeat prescription", false, MatchReason.NotYetChecked, Urgency.None, null),
        ]);
        (await Stores.Requests.ListFactsAsync([], T0, T0.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Counters_are_listed_for_a_range_of_days_and_the_services_asked_for()
    {
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-advice", Today.AddDays(-1));
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-advice", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-advice", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "stopped-at:otp", Today.AddDays(6));
        await Stores.UsageCounters.IncrementAsync("surgery-b", "advice", Today.AddDays(2));
        await Stores.UsageCounters.IncrementAsync("surgery-c", "advice", Today.AddDays(2));
        await Stores.UsageCounters.IncrementAsync("surgery-a", "advice", Today.AddDays(7));

        var counts = await Stores.UsageCounters.ListAsync(["surgery-a", "surgery-b"], Today, Today.AddDays(6));

        counts.ShouldBe([
            new UsageCount("surgery-a", "emergency-advice", Today, 2),
            new UsageCount("surgery-b", "advice", Today.AddDays(2), 1),
            new UsageCount("surgery-a", "stopped-at:otp", Today.AddDays(6), 1),
        ]);
        (await Stores.UsageCounters.ListAsync([], Today, Today.AddDays(6))).ShouldBeEmpty();
    }
}
