using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>The example rule set <c>rules/examples/opening-hours-and-capacity</c>, driven with a controlled clock.</summary>
public sealed class ClosedServiceTests : IDisposable
{
    // Monday 23 November 2026, 07:30 in London (GMT).
    private readonly EngineHarness _harness = new(RepoPaths.Examples("opening-hours-and-capacity"), new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.Zero));

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Before_opening_the_patient_is_told_when_it_reopens_and_what_to_do_meanwhile()
    {
        var patient = await _harness.Patient("weekday-gp").OpenAsync();

        patient.Step.ShouldBe("closed");
        patient.Said.ShouldContain("8am");
        patient.Said.ShouldContain("111");
        patient.Said.ShouldContain("999");
        patient.Said.ShouldContain("0113 496 0101");
        patient.Choices.ShouldBeEmpty();
        (await _harness.Counters.GetAsync("weekday-gp", "closed", new DateOnly(2026, 11, 23))).ShouldBe(1);
    }

    [Fact]
    public async Task Once_open_the_same_patient_gets_the_first_question()
    {
        var patient = await _harness.Patient("weekday-gp").OpenAsync();
        patient.Step.ShouldBe("closed");

        _harness.Clock.Advance(TimeSpan.FromMinutes(31));
        await patient.SayAsync("hello");

        patient.Step.ShouldBe("emergency");
    }

    [Fact]
    public async Task When_the_daily_capacity_is_reached_new_conversations_are_closed_until_the_next_day()
    {
        _harness.Clock.Advance(TimeSpan.FromHours(2));
        for (var i = 0; i < 2; i++)
        {
            var patient = await _harness.Patient("weekday-gp").OpenAsync();
            foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "0113 496 0000", "1" })
            {
                await patient.SayAsync(answer);
            }

            patient.Step.ShouldBe("submitted");
        }

        var third = await _harness.Patient("weekday-gp").OpenAsync();
        third.Step.ShouldBe("closed");
        third.Said.ShouldContain("as many online requests today");

        _harness.Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await _harness.Patient("weekday-gp").OpenAsync();
        tomorrow.Step.ShouldBe("emergency");
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["weekday-gp"] })).Total.ShouldBe(2);
    }
}
