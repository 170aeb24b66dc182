using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static readonly string[] OpeningActivities =
    [
        """{"type":"message","id":"a1","text":"Welcome to Riverside GP.","channelData":{"step":"welcome"}}""",
        """{"type":"message","id":"a2","text":"Is this an emergency?","channelData":{"step":"emergency"}}""",
    ];

    [Fact]
    public async Task Appended_batch_reads_back_with_every_field()
    {
        string[] activities = ["""{"type":"message","text":"Tá sé ceart go leor – \"quoted\" <b>not html</b> 😀"}""", "{}"];

        var appended = await Stores.Activities.AppendAsync("conv-a", "client-1", activities, T0);

        appended.ConversationId.ShouldBe("conv-a");
        appended.Sequence.ShouldBe(1);
        appended.ClientActivityId.ShouldBe("client-1");
        appended.Activities.ShouldBe(activities);
        appended.At.ShouldBe(T0);
        ShouldBeSameBatch((await Stores.Activities.ListAfterAsync("conv-a", 0, 10)).ShouldHaveSingleItem(), appended);
    }

    [Fact]
    public async Task Batches_are_numbered_from_one_per_conversation()
    {
        var a1 = await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);
        var a2 = await Stores.Activities.AppendAsync("conv-a", "c1", ["{}"], T0.AddSeconds(1));
        var b1 = await Stores.Activities.AppendAsync("conv-b", "open", OpeningActivities, T0.AddSeconds(2));
        var a3 = await Stores.Activities.AppendAsync("conv-a", null, ["{}"], T0.AddSeconds(3));

        new[] { a1.Sequence, a2.Sequence, a3.Sequence }.ShouldBe([1L, 2L, 3L]);
        b1.Sequence.ShouldBe(1);
    }

    [Fact]
    public async Task Reposted_client_activity_id_returns_the_earlier_batch_and_adds_nothing()
    {
        await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);
        var first = await Stores.Activities.AppendAsync("conv-a", "client-7", ["""{"text":"first"}"""], T0.AddSeconds(1));

        var again = await Stores.Activities.AppendAsync("conv-a", "client-7", ["""{"text":"second try"}"""], T0.AddSeconds(5));

        ShouldBeSameBatch(again, first);
        var all = await Stores.Activities.ListAfterAsync("conv-a", 0, 10);
        all.Count.ShouldBe(2);
        all[1].Activities.ShouldBe(["""{"text":"first"}"""]);
    }

    [Fact]
    public async Task Same_client_activity_id_in_two_conversations_is_two_batches()
    {
        var a = await Stores.Activities.AppendAsync("conv-a", "client-1", ["""{"text":"a"}"""], T0);
        var b = await Stores.Activities.AppendAsync("conv-b", "client-1", ["""{"text":"b"}"""], T0);

        a.Activities.ShouldBe(["""{"text":"a"}"""]);
        b.Activities.ShouldBe(["""{"text":"b"}"""]);
        (await Stores.Activities.ListAfterAsync("conv-b", 0, 10)).ShouldHaveSingleItem().Activities.ShouldBe(["""{"text":"b"}"""]);
    }

    [Fact]
    public async Task Batches_without_a_client_activity_id_are_all_kept()
    {
        await Stores.Activities.AppendAsync("conv-a", null, ["""{"n":1}"""], T0);
        await Stores.Activities.AppendAsync("conv-a", null, ["""{"n":1}"""], T0);

        (await Stores.Activities.ListAfterAsync("conv-a", 0, 10)).Select(b => b.Sequence).ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task List_after_a_watermark_returns_later_batches_in_order_up_to_the_limit()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Stores.Activities.AppendAsync("conv-a", $"c{i}", [$$"""{"n":{{i}}}"""], T0.AddSeconds(i));
        }

        (await Stores.Activities.ListAfterAsync("conv-a", 2, 10)).Select(b => b.Sequence).ShouldBe([3L, 4L, 5L]);
        (await Stores.Activities.ListAfterAsync("conv-a", 0, 2)).Select(b => b.Sequence).ShouldBe([1L, 2L]);
        (await Stores.Activities.ListAfterAsync("conv-a", 5, 10)).ShouldBeEmpty();
        (await Stores.Activities.ListAfterAsync("conv-a", 3, 10))[0].Activities.ShouldBe(["""{"n":4}"""]);
    }

    [Fact]
    public async Task Unknown_conversation_has_no_batches()
    {
        await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);

        (await Stores.Activities.ListAfterAsync("conv-unknown", 0, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Concurrent_appends_to_one_conversation_get_every_number_once()
    {
        var batches = await RunConcurrently(20, i => Stores.Activities.AppendAsync("conv-a", $"client-{i}", [$$"""{"n":{{i}}}"""], T0));

        batches.Select(b => b.Sequence).Order().ShouldBe(Enumerable.Range(1, 20).Select(n => (long)n));
        var stored = await Stores.Activities.ListAfterAsync("conv-a", 0, 100);
        stored.Select(b => b.Sequence).ShouldBe(Enumerable.Range(1, 20).Select(n => (long)n));
        stored.Select(b => b.ClientActivityId).Order().ShouldBe(batches.Select(b => b.ClientActivityId).Order());
    }

    [Fact]
    public async Task Concurrent_reposts_of_one_client_activity_id_keep_one_batch()
    {
        var batches = await RunConcurrently(20, i => Stores.Activities.AppendAsync("conv-a", "client-1", [$$"""{"try":{{i}}}"""], T0));

        var stored = (await Stores.Activities.ListAfterAsync("conv-a", 0, 100)).ShouldHaveSingleItem();
        foreach (var batch in batches)
        {
            ShouldBeSameBatch(batch, stored);
        }
    }

    [Fact]
    public async Task Idle_conversations_are_deleted_whole_and_recent_ones_kept()
    {
        await Stores.Activities.AppendAsync("idle", "open", OpeningActivities, T0);
        await Stores.Activities.AppendAsync("idle", "c1", ["{}"], T0.AddMinutes(10));
        await Stores.Activities.AppendAsync("active", "open", OpeningActivities, T0);
        await Stores.Activities.AppendAsync("active", "c1", ["{}"], T0.AddMinutes(50));

        var deleted = await Stores.Activities.DeleteIdleAsync(T0.AddMinutes(30));

        deleted.ShouldBe(2);
        (await Stores.Activities.ListAfterAsync("idle", 0, 10)).ShouldBeEmpty();
        (await Stores.Activities.ListAfterAsync("active", 0, 10)).Select(b => b.Sequence).ShouldBe([1L, 2L], "an old batch stays while its conversation has a recent one");
    }

    [Fact]
    public async Task Deleting_idle_conversations_keeps_one_whose_last_batch_is_at_the_cutoff()
    {
        await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);

        (await Stores.Activities.DeleteIdleAsync(T0)).ShouldBe(0);
        (await Stores.Activities.DeleteIdleAsync(T0.AddMilliseconds(1))).ShouldBe(1);
    }

    [Fact]
    public async Task Batches_survive_a_restart_and_numbering_carries_on()
    {
        await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);
        await Stores.Activities.AppendAsync("conv-a", "c1", ["{}"], T0.AddSeconds(1));

        var reopened = await ReopenStoresAsync();

        (await reopened.Activities.ListAfterAsync("conv-a", 0, 10))[0].Activities.ShouldBe(OpeningActivities);
        (await reopened.Activities.AppendAsync("conv-a", "c2", ["{}"], T0.AddSeconds(2))).Sequence.ShouldBe(3);
        (await reopened.Activities.AppendAsync("conv-a", "c1", ["{}"], T0.AddSeconds(3))).Sequence.ShouldBe(2, "a retry after the restart is still recognised");
    }

    [Fact]
    public async Task Usage_counts_a_conversations_batches_and_their_bytes()
    {
        await Stores.Activities.AppendAsync("conv-a", "open", OpeningActivities, T0);
        await Stores.Activities.AppendAsync("conv-a", "c1", ["{\"text\":\"é\"}", "{}"], T0.AddSeconds(1));
        await Stores.Activities.AppendAsync("conv-b", "open", OpeningActivities, T0);

        var usage = await Stores.Activities.UsageAsync("conv-a");

        usage.Batches.ShouldBe(2);
        var json = System.Text.Json.JsonSerializer.Serialize(OpeningActivities);
        // The stores differ in how they keep a batch (one JSON array, or an array of strings); both count at least the activities' UTF-8 bytes.
        usage.Bytes.ShouldBeGreaterThanOrEqualTo(OpeningActivities.Sum(a => System.Text.Encoding.UTF8.GetByteCount(a)) + 15L);
        usage.Bytes.ShouldBeLessThanOrEqualTo(json.Length * 2L + 40);
        (await Stores.Activities.UsageAsync("never")).ShouldBe(new ActivityUsage(0, 0));
    }

    private static void ShouldBeSameBatch(ActivityBatch actual, ActivityBatch expected)
    {
        actual.ConversationId.ShouldBe(expected.ConversationId);
        actual.Sequence.ShouldBe(expected.Sequence);
        actual.ClientActivityId.ShouldBe(expected.ClientActivityId);
        actual.Activities.ShouldBe(expected.Activities);
        actual.At.ShouldBe(expected.At);
    }
}
