namespace PatientContact.Rules.Tests;

/// <summary>Channel- and time-dependent request types from <c>rules/examples/opening-hours-and-capacity</c>.</summary>
public sealed class RequestTypeTests
{
    private static readonly RuleBook Book = RuleBookLoader.Load(RulesFolders.OpeningHoursAndCapacity);
    private static readonly ServiceDefinition WeekdayGp = Book.FindService("weekday-gp")!;
    private static readonly DateTimeOffset WednesdayMorning = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Web_chat_offers_the_photo_request_that_sms_does_not()
    {
        var web = await Book.GetRequestTypesAsync(WeekdayGp, Channels.WebChat, WednesdayMorning);
        var sms = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, WednesdayMorning);

        web.Select(t => t.Id).ShouldBe(["medical-request", "photo-of-skin-problem", "repeat-prescription", "admin-request"]);
        sms.Select(t => t.Id).ShouldBe(["medical-request", "repeat-prescription", "admin-request"]);
    }

    [Fact]
    public async Task Terminal_channel_gets_its_own_set()
    {
        var terminal = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Terminal, WednesdayMorning);

        terminal.Select(t => t.Id).ShouldBe(["medical-request", "admin-request"]);
    }

    [Fact]
    public async Task When_closed_the_medical_request_gives_way_to_advice()
    {
        var saturday = new DateTimeOffset(2025, 1, 18, 10, 0, 0, TimeSpan.Zero);

        var types = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, saturday);

        types.Select(t => t.Id).ShouldBe(["admin-request", "help-while-closed"]);
        types[^1].Kind.ShouldBe(RequestKind.Advice);
        types[^1].AdviceUrl.ShouldBe("https://111.nhs.uk/");
    }

    [Theory]
    [InlineData("2025-01-15T15:59:00+00:00", true)]
    [InlineData("2025-01-15T16:00:00+00:00", false)]
    [InlineData("2025-07-16T14:59:00+00:00", true)]  // 15:59 BST
    [InlineData("2025-07-16T15:00:00+00:00", false)] // 16:00 BST
    public async Task Local_time_in_expressions_is_uk_time(string now, bool offered)
    {
        var types = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, DateTimeOffset.Parse(now));

        types.Any(t => t.Id == "repeat-prescription").ShouldBe(offered);
    }

    [Fact]
    public async Task The_same_book_asked_either_side_of_a_closing_time_answers_each_time_as_it_is()
    {
        var before = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, DateTimeOffset.Parse("2025-01-15T15:59:00+00:00"));
        var after = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, DateTimeOffset.Parse("2025-01-15T16:00:00+00:00"));
        var beforeAgain = await Book.GetRequestTypesAsync(WeekdayGp, Channels.Sms, DateTimeOffset.Parse("2025-01-15T15:59:30+00:00"));

        before.Select(t => t.Id).ShouldContain("repeat-prescription");
        after.Select(t => t.Id).ShouldNotContain("repeat-prescription");
        beforeAgain.Select(t => t.Id).ShouldBe(before.Select(t => t.Id));
    }

    [Fact]
    public async Task Rules_that_read_only_the_service_and_channel_offer_the_same_list_day_and_night()
    {
        var demo = RuleBookLoader.Load(RulesFolders.Demo);
        var gp = demo.FindService("riverside-gp")!;

        var mondayMorning = await demo.GetRequestTypesAsync(gp, Channels.Sms, new DateTimeOffset(2025, 1, 13, 10, 0, 0, TimeSpan.Zero));
        var sundayNight = await demo.GetRequestTypesAsync(gp, Channels.Sms, new DateTimeOffset(2025, 1, 19, 3, 0, 0, TimeSpan.Zero));
        var webChat = await demo.GetRequestTypesAsync(gp, Channels.WebChat, new DateTimeOffset(2025, 1, 19, 3, 0, 0, TimeSpan.Zero));

        sundayNight.Select(t => t.Id).ShouldBe(mondayMorning.Select(t => t.Id));
        webChat.Select(t => t.Id).ShouldBe(mondayMorning.Select(t => t.Id));
    }

    [Fact]
    public async Task A_rule_edited_to_read_the_time_is_run_on_every_call()
    {
        using var rules = new TempRules();
        rules.Write(RuleBookLoader.RequestTypesFile, rules.Read(RuleBookLoader.RequestTypesFile).Replace("\"Expression\": \"true\"", "\"Expression\": \"input.LocalTime < \\\"12:00\\\"\"", StringComparison.Ordinal));
        var book = RuleBookLoader.Load(rules.Directory);
        var gp = book.FindService("riverside-gp")!;

        var morning = await book.GetRequestTypesAsync(gp, Channels.Sms, new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero));
        var evening = await book.GetRequestTypesAsync(gp, Channels.Sms, new DateTimeOffset(2025, 1, 15, 23, 0, 0, TimeSpan.Zero));

        morning.Select(t => t.Id).ShouldContain("admin-request");
        evening.Select(t => t.Id).ShouldNotContain("admin-request");
    }
}
