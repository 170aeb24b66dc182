namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Applied_input_is_recognised_and_a_second_add_keeps_the_first()
    {
        (await Stores.Inputs.ContainsAsync("k1")).ShouldBeFalse();

        (await Stores.Inputs.AddAsync("k1", T0)).ShouldBeTrue();
        (await Stores.Inputs.AddAsync("k1", T0.AddHours(1))).ShouldBeFalse();

        (await Stores.Inputs.ContainsAsync("k1")).ShouldBeTrue();
        (await Stores.Inputs.ContainsAsync("k2")).ShouldBeFalse();
        (await Stores.Inputs.DeleteOlderThanAsync(T0.AddMinutes(30), 10)).ShouldBe(1, "the first time is the one kept");
    }

    [Fact]
    public async Task Applied_inputs_older_than_the_cutoff_are_deleted_in_batches_oldest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            await Stores.Inputs.AddAsync($"old{i}", T0.AddMinutes(i));
        }

        await Stores.Inputs.AddAsync("recent", T0.AddDays(2));

        (await Stores.Inputs.DeleteOlderThanAsync(T0.AddDays(1), 3)).ShouldBe(3);
        (await Stores.Inputs.ContainsAsync("old0")).ShouldBeFalse();
        (await Stores.Inputs.ContainsAsync("old3")).ShouldBeTrue();
        (await Stores.Inputs.DeleteOlderThanAsync(T0.AddDays(1), 3)).ShouldBe(2);
        (await Stores.Inputs.DeleteOlderThanAsync(T0.AddDays(1), 3)).ShouldBe(0);
        (await Stores.Inputs.ContainsAsync("recent")).ShouldBeTrue();
    }

    [Fact]
    public async Task Applied_inputs_added_at_once_are_each_added_exactly_once()
    {
        var results = await RunConcurrently(8, _ => Stores.Inputs.AddAsync("same", T0));

        results.Count(added => added).ShouldBe(1);
    }

    [Fact]
    public async Task Applied_inputs_survive_a_restart()
    {
        await Stores.Inputs.AddAsync("kept", T0);

        var reopened = await ReopenStoresAsync();

        (await reopened.Inputs.ContainsAsync("kept")).ShouldBeTrue();
    }
}
