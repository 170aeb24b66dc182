namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    // Not taken from T0: static fields of partial classes start in no fixed order, and T0 may not be set yet.
    private static readonly DateOnly Today = new(2025, 3, 3);

    [Fact]
    public async Task Counter_never_incremented_reads_zero()
    {
        (await Stores.UsageCounters.GetAsync("surgery-a", "emergency-signposted", Today)).ShouldBe(0);
    }

    [Fact]
    public async Task Counters_are_kept_per_service_counter_and_day()
    {
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-signposted", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-signposted", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "advice-shown", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-b", "emergency-signposted", Today);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "emergency-signposted", Today.AddDays(1));

        (await Stores.UsageCounters.GetAsync("surgery-a", "emergency-signposted", Today)).ShouldBe(2);
        (await Stores.UsageCounters.GetAsync("surgery-a", "advice-shown", Today)).ShouldBe(1);
        (await Stores.UsageCounters.GetAsync("surgery-b", "emergency-signposted", Today)).ShouldBe(1);
        (await Stores.UsageCounters.GetAsync("surgery-a", "emergency-signposted", Today.AddDays(1))).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_increments_are_all_counted()
    {
        await RunConcurrently(50, async _ =>
        {
            await Stores.UsageCounters.IncrementAsync("surgery-a", "advice-shown", Today);
            return true;
        });

        (await Stores.UsageCounters.GetAsync("surgery-a", "advice-shown", Today)).ShouldBe(50);
    }
}
