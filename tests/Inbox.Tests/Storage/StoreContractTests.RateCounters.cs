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
}
