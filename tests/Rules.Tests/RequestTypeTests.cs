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
}
