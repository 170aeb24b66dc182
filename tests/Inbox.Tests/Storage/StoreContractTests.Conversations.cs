using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Unknown_conversation_reads_as_null()
    {
        (await Stores.Conversations.GetAsync("webchat:nobody")).ShouldBeNull();
    }

    [Fact]
    public async Task First_version_is_written_only_when_the_key_is_new()
    {
        var first = Conversation("webchat:1", version: 1, data: """{"turn":1}""");

        (await Stores.Conversations.TrySaveAsync(first)).ShouldBeTrue();
        (await Stores.Conversations.TrySaveAsync(first with { Data = """{"turn":"other"}"""u8.ToArray() })).ShouldBeFalse();

        (await Stores.Conversations.GetAsync("webchat:1")).ShouldBe(first);
    }

    [Fact]
    public async Task A_version_is_written_only_over_the_one_before_it()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));
        var second = Conversation("webchat:1", 2, T0.AddMinutes(1), """{"turn":2}""") with { State = "AskDateOfBirth" };

        (await Stores.Conversations.TrySaveAsync(second)).ShouldBeTrue();
        (await Stores.Conversations.TrySaveAsync(second with { Data = "{}"u8.ToArray() })).ShouldBeFalse();
        (await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 4))).ShouldBeFalse();
        (await Stores.Conversations.TrySaveAsync(Conversation("webchat:unknown", 2))).ShouldBeFalse();

        (await Stores.Conversations.GetAsync("webchat:1")).ShouldBe(second);
        (await Stores.Conversations.GetAsync("webchat:unknown")).ShouldBeNull();
    }

    [Fact]
    public async Task A_saved_turn_records_its_applied_input_and_count_with_it_and_a_lost_race_records_neither()
    {
        var window = new RateCount("sms-sender:abc", T0, T0.AddMinutes(10));
        await Stores.Conversations.TrySaveAsync(Conversation("sms:1", 1));
        var turn = Conversation("sms:1", 2, T0.AddMinutes(1), """{"turn":2}""") with { AppliedInput = "input-2", Counted = window };

        (await Stores.Conversations.TrySaveAsync(turn)).ShouldBeTrue();
        (await Stores.Conversations.TrySaveAsync(turn with { Data = "{}"u8.ToArray(), AppliedInput = "input-lost" })).ShouldBeFalse();

        (await Stores.Conversations.GetAsync("sms:1"))!.DataText.ShouldBe("""{"turn":2}""");
        (await Stores.Inputs.ContainsAsync("input-2")).ShouldBeTrue();
        (await Stores.Inputs.ContainsAsync("input-lost")).ShouldBeFalse("the save that lost its race wrote nothing");
        (await Stores.RateCounters.CountAsync(window.Key, window.WindowStart)).ShouldBe(1, "counted once, by the save that was written");
    }

    [Fact]
    public async Task A_conversation_is_read_with_whether_an_input_was_applied_before()
    {
        (await Stores.Conversations.GetWithInputAsync("sms:read", "input-1")).ShouldBe(new ConversationRead(null, false), "nothing yet");

        var first = Conversation("sms:read", 1) with { AppliedInput = "input-1" };
        await Stores.Conversations.TrySaveAsync(first);

        var read = await Stores.Conversations.GetWithInputAsync("sms:read", "input-1");
        read.Record.ShouldBe(first with { AppliedInput = null });
        read.InputApplied.ShouldBeTrue();
        (await Stores.Conversations.GetWithInputAsync("sms:read", "input-2")).InputApplied.ShouldBeFalse("another input is new");

        (await Stores.Conversations.TryDeleteAsync("sms:read", 1)).ShouldBeTrue();
        (await Stores.Conversations.GetWithInputAsync("sms:read", "input-1")).ShouldBe(new ConversationRead(null, true), "the input is remembered after its conversation has gone");
    }

    [Fact]
    public async Task A_first_version_that_loses_its_race_records_no_input_or_count()
    {
        var window = new RateCount("sms-sender:first", T0, T0.AddMinutes(10));
        await Stores.Conversations.TrySaveAsync(Conversation("sms:2", 1));

        (await Stores.Conversations.TrySaveAsync(Conversation("sms:2", 1) with { AppliedInput = "input-first", Counted = window })).ShouldBeFalse();

        (await Stores.Inputs.ContainsAsync("input-first")).ShouldBeFalse();
        (await Stores.RateCounters.CountAsync(window.Key, window.WindowStart)).ShouldBe(0);
    }

    [Fact]
    public async Task Version_below_one_is_refused()
    {
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 0)));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_next_version_have_exactly_one_winner()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));

        var results = await RunConcurrently(20, i =>
            Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 2, data: $$"""{"writer":{{i}}}""")));

        results.Count(saved => saved).ShouldBe(1);
        var winner = Array.IndexOf(results, true);
        (await Stores.Conversations.GetAsync("webchat:1"))!.DataText.ShouldBe($$"""{"writer":{{winner}}}""");
    }

    [Fact]
    public async Task Concurrent_creators_of_the_same_key_have_exactly_one_winner()
    {
        var results = await RunConcurrently(20, i =>
            Stores.Conversations.TrySaveAsync(Conversation("sms:+447700900123", 1, data: $$"""{"writer":{{i}}}""")));

        results.Count(saved => saved).ShouldBe(1);
    }

    [Fact]
    public async Task Idle_conversations_are_those_written_before_the_cutoff_oldest_first()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("c-newest", 1, T0.AddMinutes(30)));
        await Stores.Conversations.TrySaveAsync(Conversation("c-middle", 1, T0.AddMinutes(10)));
        await Stores.Conversations.TrySaveAsync(Conversation("c-oldest", 1, T0));
        await Stores.Conversations.TrySaveAsync(Conversation("c-at-cutoff", 1, T0.AddMinutes(20)));

        var idle = await Stores.Conversations.ListIdleAsync(T0.AddMinutes(20), limit: 10);
        idle.Select(c => c.Key).ShouldBe(["c-oldest", "c-middle"]);

        var firstOnly = await Stores.Conversations.ListIdleAsync(T0.AddHours(1), limit: 1);
        firstOnly.Select(c => c.Key).ShouldBe(["c-oldest"]);
    }

    [Fact]
    public async Task Idle_listing_sees_the_latest_write_time()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1, T0));
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 2, T0.AddMinutes(30)));

        (await Stores.Conversations.ListIdleAsync(T0.AddMinutes(20), 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Delete_needs_the_current_version()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 2));

        (await Stores.Conversations.TryDeleteAsync("webchat:1", 1)).ShouldBeFalse();
        (await Stores.Conversations.GetAsync("webchat:1")).ShouldNotBeNull();

        (await Stores.Conversations.TryDeleteAsync("webchat:1", 2)).ShouldBeTrue();
        (await Stores.Conversations.GetAsync("webchat:1")).ShouldBeNull();
        (await Stores.Conversations.TryDeleteAsync("webchat:1", 2)).ShouldBeFalse();
    }

    [Fact]
    public async Task Deleted_key_can_start_again_at_version_one()
    {
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));
        await Stores.Conversations.TryDeleteAsync("webchat:1", 1);

        (await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1))).ShouldBeTrue();
    }
}
