using FsCheck.Xunit;

namespace PatientContact.Rules.Tests;

/// <summary>
/// Driven by <c>rules/examples/opening-hours-and-capacity</c>: a GP practice open weekdays 08:00–18:30 taking
/// 2 requests a day, and a trust open 09:00–12:30 and 13:30–17:00 on weekdays and Saturday mornings.
/// </summary>
public sealed class AvailabilityTests
{
    private static readonly RuleBook Book = RuleBookLoader.Load(RulesFolders.OpeningHoursAndCapacity);
    private static readonly ServiceDefinition WeekdayGp = Book.FindService("weekday-gp")!;
    private static readonly ServiceDefinition SplitDayTrust = Book.FindService("split-day-trust")!;
    private static readonly TimeSpan Gmt = TimeSpan.Zero;
    private static readonly TimeSpan Bst = TimeSpan.FromHours(1);

    [Theory]
    [InlineData("2025-01-15T08:00:00+00:00")] // Wednesday, opening moment
    [InlineData("2025-01-15T12:00:00+00:00")]
    [InlineData("2025-01-15T18:29:59+00:00")]
    [InlineData("2025-07-16T07:00:00+00:00")] // 08:00 BST
    [InlineData("2025-07-16T17:29:00+00:00")] // 18:29 BST
    public async Task Service_is_open_within_its_hours_and_under_capacity(string now)
    {
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, DateTimeOffset.Parse(now), requestsToday: 1);

        availability.ShouldBe(Availability.Open);
    }

    [Fact]
    public async Task Closed_in_the_evening_reopens_next_morning()
    {
        var now = new DateTimeOffset(2025, 1, 15, 19, 0, 0, Gmt);

        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, now, 0);

        availability.IsOpen.ShouldBeFalse();
        availability.ClosedReason.ShouldBe("outside opening hours");
        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 16, 8, 0, 0, Gmt));
        availability.Message.ShouldNotBeNull();
        availability.Message.ShouldContain("Weekday GP Practice is closed");
        availability.Message.ShouldContain("opens again at 8am tomorrow");
        availability.Message.ShouldContain("0113 496 0101");
        // Where to get help now (111, 999, Relay UK) is worded for the service type by the conversation, after this.
        availability.Message.ShouldNotContain("999");
    }

    [Fact]
    public async Task Closing_time_itself_is_closed()
    {
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.Sms, new DateTimeOffset(2025, 1, 15, 18, 30, 0, Gmt), 0);

        availability.ClosedReason.ShouldBe("outside opening hours");
    }

    [Fact]
    public async Task Early_morning_reopens_later_the_same_day()
    {
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.Sms, new DateTimeOffset(2025, 1, 15, 7, 59, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 15, 8, 0, 0, Gmt));
        availability.Message!.ShouldContain("at 8am today");
    }

    [Fact]
    public async Task Weekend_reopens_on_monday()
    {
        var saturday = new DateTimeOffset(2025, 1, 18, 12, 0, 0, Gmt);

        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, saturday, 0);

        availability.ClosedReason.ShouldBe("outside opening hours");
        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 20, 8, 0, 0, Gmt));
        availability.Message!.ShouldContain("at 8am on Monday 20 January");
    }

    [Fact]
    public async Task Daily_capacity_reached_closes_until_the_next_day()
    {
        var wednesday = new DateTimeOffset(2025, 1, 15, 10, 0, 0, Gmt);

        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, wednesday, requestsToday: 2);

        availability.IsOpen.ShouldBeFalse();
        availability.ClosedReason.ShouldBe("daily capacity reached");
        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 16, 8, 0, 0, Gmt));
        availability.Message!.ShouldContain("send one again at 8am tomorrow");
        availability.Message!.ShouldContain("ring 0113 496 0101");
    }

    [Fact]
    public async Task Capacity_reached_on_friday_reopens_on_monday()
    {
        var friday = new DateTimeOffset(2025, 1, 17, 9, 0, 0, Gmt);

        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.Sms, friday, requestsToday: 5);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 20, 8, 0, 0, Gmt));
    }

    [Fact]
    public async Task Outside_hours_wins_over_capacity_because_it_comes_first()
    {
        var evening = new DateTimeOffset(2025, 1, 15, 20, 0, 0, Gmt);

        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.Sms, evening, requestsToday: 2);

        availability.ClosedReason.ShouldBe("outside opening hours");
    }

    [Fact]
    public async Task Service_without_capacity_takes_any_number_of_requests()
    {
        var availability = await Book.GetAvailabilityAsync(SplitDayTrust, Channels.WebChat, new DateTimeOffset(2025, 1, 15, 10, 0, 0, Gmt), 10_000);

        availability.ShouldBe(Availability.Open);
    }

    [Fact]
    public async Task Lunch_break_reopens_in_the_afternoon()
    {
        var availability = await Book.GetAvailabilityAsync(SplitDayTrust, Channels.WebChat, new DateTimeOffset(2025, 1, 15, 12, 45, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 15, 13, 30, 0, Gmt));
        availability.Message!.ShouldContain("at 1:30pm today");
    }

    [Fact]
    public async Task Saturday_afternoon_reopens_on_monday_morning()
    {
        var availability = await Book.GetAvailabilityAsync(SplitDayTrust, Channels.WebChat, new DateTimeOffset(2025, 1, 18, 12, 0, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 1, 20, 9, 0, 0, Gmt));
    }

    [Fact]
    public async Task Summer_evening_is_judged_in_uk_time_not_utc()
    {
        // 17:45 UTC is 18:45 BST: after closing, though a UTC clock would say the practice is open.
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, new DateTimeOffset(2025, 7, 16, 17, 45, 0, Gmt), 0);

        availability.ClosedReason.ShouldBe("outside opening hours");
        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 7, 17, 8, 0, 0, Bst));
    }

    [Fact]
    public async Task Weekend_the_clocks_go_forward_reopens_at_8am_bst()
    {
        // Friday 28 March 2025 evening (GMT); the clocks go forward on Sunday 30 March.
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, new DateTimeOffset(2025, 3, 28, 19, 0, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 3, 31, 7, 0, 0, Gmt));
        availability.ReopensAt!.Value.Offset.ShouldBe(Bst);
    }

    [Fact]
    public async Task Weekend_the_clocks_go_back_reopens_at_8am_gmt()
    {
        // Friday 24 October 2025 19:00 BST; the clocks go back on Sunday 26 October.
        var availability = await Book.GetAvailabilityAsync(WeekdayGp, Channels.WebChat, new DateTimeOffset(2025, 10, 24, 19, 0, 0, Bst), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 10, 27, 8, 0, 0, Gmt));
        availability.ReopensAt!.Value.Offset.ShouldBe(Gmt);
    }

    [Fact]
    public async Task Opening_in_the_hour_skipped_by_the_clocks_going_forward_opens_when_the_clocks_resume()
    {
        using var rules = new TempRules(RulesFolders.OpeningHoursAndCapacity);
        rules.Replace("services.json", "{ \"days\": [\"Saturday\"], \"opens\": \"09:00\", \"closes\": \"12:00\" }",
            "{ \"days\": [\"Sunday\"], \"opens\": \"01:30\", \"closes\": \"03:00\" }");
        var book = RuleBookLoader.Load(rules.Directory);
        var trust = book.FindService("split-day-trust")!;

        // 00:30 GMT on Sunday 30 March 2025; 01:00–02:00 local does not happen that night.
        var availability = await book.GetAvailabilityAsync(trust, Channels.Sms, new DateTimeOffset(2025, 3, 30, 0, 30, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 3, 30, 2, 0, 0, Bst));
        (await book.GetAvailabilityAsync(trust, Channels.Sms, availability.ReopensAt!.Value, 0)).ShouldBe(Availability.Open);
    }

    [Fact]
    public async Task Opening_in_the_hour_repeated_by_the_clocks_going_back_opens_the_first_time()
    {
        using var rules = new TempRules(RulesFolders.OpeningHoursAndCapacity);
        rules.Replace("services.json", "{ \"days\": [\"Saturday\"], \"opens\": \"09:00\", \"closes\": \"12:00\" }",
            "{ \"days\": [\"Sunday\"], \"opens\": \"01:30\", \"closes\": \"03:00\" }");
        var book = RuleBookLoader.Load(rules.Directory);

        // 01:00 BST on Sunday 26 October 2025; 01:30 happens at 00:30 UTC and again at 01:30 UTC.
        var availability = await book.GetAvailabilityAsync(book.FindService("split-day-trust")!, Channels.Sms, new DateTimeOffset(2025, 10, 26, 0, 0, 0, Gmt), 0);

        availability.ReopensAt.ShouldBe(new DateTimeOffset(2025, 10, 26, 1, 30, 0, Bst));
    }

    [Property(MaxTest = 300, EndSize = 2 * 366 * 24 * 60)]
    public bool Closed_service_reopens_at_an_opening_moment(int minutes)
    {
        // Any minute within two years either side of the start of 2026, clock changes included.
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, Gmt).AddMinutes(minutes);
        foreach (var service in Book.Services)
        {
            var availability = AvailabilityAt(service, now);
            if (availability.IsOpen)
            {
                continue;
            }

            var reopens = availability.ReopensAt!.Value;
            if (reopens <= now || !AvailabilityAt(service, reopens).IsOpen || AvailabilityAt(service, reopens.AddMinutes(-1)).IsOpen)
            {
                return false;
            }
        }

        return true;
    }

    private static Availability AvailabilityAt(ServiceDefinition service, DateTimeOffset now) =>
        Book.GetAvailabilityAsync(service, Channels.WebChat, now, 0).AsTask().GetAwaiter().GetResult();
}
