using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Rate_counter_counts_each_key_and_window_on_its_own()
    {
        var later = T0.AddMinutes(10);

        (await Stores.RateCounters.IncrementAsync("sender:a", T0, later)).ShouldBe(1);
        (await Stores.RateCounters.IncrementAsync("sender:a", T0, later)).ShouldBe(2);
        (await Stores.RateCounters.IncrementAsync("sender:b", T0, later)).ShouldBe(1, "another key has its own count");
        (await Stores.RateCounters.IncrementAsync("sender:a", later, later.AddMinutes(10))).ShouldBe(1, "the next window starts again");
    }

    [Fact]
    public async Task Rate_counter_is_read_without_adding_to_it()
    {
        (await Stores.RateCounters.CountAsync("sender:read", T0)).ShouldBe(0, "nothing counted yet");

        await Stores.RateCounters.IncrementAsync("sender:read", T0, T0.AddMinutes(10));
        await Stores.RateCounters.IncrementAsync("sender:read", T0, T0.AddMinutes(10));

        (await Stores.RateCounters.CountAsync("sender:read", T0)).ShouldBe(2);
        (await Stores.RateCounters.CountAsync("sender:read", T0)).ShouldBe(2, "reading adds nothing");
        (await Stores.RateCounters.CountAsync("sender:read", T0.AddMinutes(10))).ShouldBe(0, "the next window has its own count");
    }

    [Fact]
    public async Task Rate_counter_increments_at_once_are_each_counted_exactly_once()
    {
        var counts = await RunConcurrently(8, _ => Stores.RateCounters.IncrementAsync("sender:busy", T0, T0.AddMinutes(10)));

        counts.Order().ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8]);
    }

    [Fact]
    public async Task Rate_counter_is_shared_by_a_second_instance_of_the_store()
    {
        await Stores.RateCounters.IncrementAsync("host", T0, T0.AddMinutes(10));

        var other = await ReopenStoresAsync();

        (await other.RateCounters.IncrementAsync("host", T0, T0.AddMinutes(10))).ShouldBe(2);
    }

    private static readonly BackoffSchedule Schedule = new(Free: 2, Max: TimeSpan.FromSeconds(8), Window: TimeSpan.FromMinutes(15));

    [Fact]
    public async Task Backoff_grows_with_each_failure_and_is_read_back()
    {
        (await Stores.RateCounters.GetBackoffAsync("sign-in:a")).ShouldBeNull("nothing recorded yet");

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var now = T0.AddSeconds(i);
            waits.Add((await Stores.RateCounters.RecordFailureAsync("sign-in:a", now, Schedule)).NotBefore - now);
        }

        waits.ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], "one free failure under Free = 2, then doubling to the ceiling");
        var stored = (await Stores.RateCounters.GetBackoffAsync("sign-in:a")).ShouldNotBeNull();
        stored.Failures.ShouldBe(6);
        stored.WindowStart.ShouldBe(T0);
        stored.NotBefore.ShouldBe(T0.AddSeconds(13));
        stored.ExpiresAt.ShouldBe(T0.AddMinutes(15));
        (await Stores.RateCounters.GetBackoffAsync("sign-in:b")).ShouldBeNull("another key has its own");
    }

    [Fact]
    public async Task Backoff_counts_from_one_again_once_its_window_has_passed()
    {
        for (var i = 0; i < 4; i++)
        {
            await Stores.RateCounters.RecordFailureAsync("sign-in:window", T0, Schedule);
        }

        var later = T0.AddMinutes(16);
        var next = await Stores.RateCounters.RecordFailureAsync("sign-in:window", later, Schedule);

        next.Failures.ShouldBe(1);
        next.WindowStart.ShouldBe(later);
        next.NotBefore.ShouldBe(later, "the first failure of a new window is answered at once");
    }

    [Fact]
    public async Task Backoff_failures_at_once_are_each_counted_exactly_once()
    {
        var recorded = await RunConcurrently(8, _ => Stores.RateCounters.RecordFailureAsync("sign-in:busy", T0, Schedule));

        recorded.Select(b => b.Failures).Order().ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        (await Stores.RateCounters.GetBackoffAsync("sign-in:busy")).ShouldNotBeNull().Failures.ShouldBe(8);
    }

    [Fact]
    public async Task Backoff_is_shared_by_a_second_instance_of_the_store()
    {
        await Stores.RateCounters.RecordFailureAsync("sign-in:host", T0, Schedule);
        await Stores.RateCounters.RecordFailureAsync("sign-in:host", T0, Schedule);

        var other = await ReopenStoresAsync();

        (await other.RateCounters.GetBackoffAsync("sign-in:host")).ShouldNotBeNull().Failures.ShouldBe(2);
        var third = await other.RateCounters.RecordFailureAsync("sign-in:host", T0, Schedule);
        third.Failures.ShouldBe(3);
        third.NotBefore.ShouldBe(T0.AddSeconds(2));
    }
}
