using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>"Where patients stop": a conversation given up at a step is counted once, at that step, on the day it was last used.</summary>
public sealed class StopCountTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static readonly DateOnly Day = new(2026, 11, 26);

    private Task<long> StoppedAtAsync(string step, DateOnly? day = null) =>
        _harness.Counters.GetAsync("riverside-gp", UsageCounterNames.StoppedAt(step), day ?? Day);

    private ConversationPurger Purger() =>
        new(_harness.Conversations, _harness.Engine, _harness.Clock, Options.Create(_harness.Options), NullLogger<ConversationPurger>.Instance);

    [Fact]
    public async Task Conversations_the_purger_expires_are_counted_at_the_step_they_stopped_and_only_once()
    {
        var atDetails = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1" })
        {
            await atDetails.SayAsync(answer);
        }

        var atLastName = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane" })
        {
            await atLastName.SayAsync(answer);
        }

        var toldToCall999 = await _harness.Patient().OpenAsync();
        await toldToCall999.SayAsync("2");
        atDetails.Step.ShouldBe("details");
        atLastName.Step.ShouldBe("last-name");
        toldToCall999.Step.ShouldBe("emergency-advice");

        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        (await Purger().PurgeOnceAsync(CancellationToken.None)).ShouldBe(3);
        // The markers go a day later; nothing more is counted.
        _harness.Clock.Advance(TimeSpan.FromDays(2));
        await Purger().PurgeOnceAsync(CancellationToken.None);

        (await StoppedAtAsync("details")).ShouldBe(1);
        (await StoppedAtAsync("last-name")).ShouldBe(1);
        (await StoppedAtAsync("emergency-advice")).ShouldBe(0, "told to call 999 is an end, not a stop");
        (await _harness.Counters.GetAsync("riverside-gp", UsageCounterNames.EmergencyAdvice, Day)).ShouldBe(1);
        (await _harness.Counters.ListAsync(["riverside-gp"], Day, Day.AddDays(3))).Where(c => c.Counter.StartsWith(UsageCounterNames.StoppedAtPrefix, StringComparison.Ordinal)).Sum(c => c.Value).ShouldBe(2);
    }

    [Fact]
    public async Task A_patient_who_comes_back_after_the_timeout_before_the_purger_ran_is_counted_where_they_stopped_on_the_day_they_left()
    {
        _harness.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 26, 23, 30, 0, TimeSpan.Zero));
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1" })
        {
            await patient.SayAsync(answer);
        }

        patient.Step.ShouldBe("first-name");
        _harness.Clock.Advance(TimeSpan.FromMinutes(90));
        await patient.SayAsync("Jane");

        patient.Said.ShouldContain("deleted because there was no reply");
        (await StoppedAtAsync("first-name")).ShouldBe(1);
        (await StoppedAtAsync("first-name", Day.AddDays(1))).ShouldBe(0);
        (await Purger().PurgeOnceAsync(CancellationToken.None)).ShouldBe(0);
        (await StoppedAtAsync("first-name")).ShouldBe(1);
    }

    [Fact]
    public async Task A_sent_request_is_not_a_stop()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        await patient.SayAsync("Submit");
        patient.Step.ShouldBe("submitted");

        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        await Purger().PurgeOnceAsync(CancellationToken.None);

        (await _harness.Counters.ListAsync(["riverside-gp"], Day, Day)).ShouldAllBe(c => !c.Counter.StartsWith(UsageCounterNames.StoppedAtPrefix, StringComparison.Ordinal));
        (await _harness.Counters.GetAsync("riverside-gp", UsageCounterNames.Submitted, Day)).ShouldBe(1);
    }
}
