using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Key_ring_entries_are_read_back_whole_oldest_first()
    {
        (await Stores.KeyRing.GetAllAsync()).ShouldBeEmpty();
        var second = new KeyRingEntry("key-2", "<key id=\"2\"><encryptedSecret>…</encryptedSecret></key>", T0.AddDays(1));
        var first = new KeyRingEntry("key-1", "<key id=\"1\" />", T0);

        (await Stores.KeyRing.AddAsync(second)).ShouldBeTrue();
        (await Stores.KeyRing.AddAsync(first)).ShouldBeTrue();

        (await Stores.KeyRing.GetAllAsync()).ShouldBe([first, second]);
    }

    [Fact]
    public async Task Key_ring_entry_added_twice_keeps_the_first()
    {
        var results = await RunConcurrently(6, i => Stores.KeyRing.AddAsync(new KeyRingEntry("key-same", $"<key n=\"{i}\" />", T0)));

        results.Count(added => added).ShouldBe(1);
        var kept = (await Stores.KeyRing.GetAllAsync()).ShouldHaveSingleItem();
        kept.Xml.ShouldBe($"<key n=\"{Array.IndexOf(results, true)}\" />");
    }
}
