namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Number_never_seen_is_not_opted_out()
    {
        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeFalse();
    }

    [Fact]
    public async Task Stop_opts_a_number_out_and_start_opts_it_back_in()
    {
        await Stores.OptOuts.SetAsync("+447700900123", optedOut: true, T0);

        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeTrue();
        (await Stores.OptOuts.IsOptedOutAsync("+447700900999")).ShouldBeFalse();

        await Stores.OptOuts.SetAsync("+447700900123", optedOut: false, T0.AddMinutes(1));

        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeFalse();
    }

    [Fact]
    public async Task Older_opt_out_change_arriving_late_does_not_undo_a_newer_one()
    {
        await Stores.OptOuts.SetAsync("+447700900123", optedOut: true, T0.AddMinutes(5));
        await Stores.OptOuts.SetAsync("+447700900123", optedOut: false, T0);

        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeTrue();
    }
}
