using Microsoft.Extensions.Time.Testing;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Channels;

public sealed class ActivitySignalsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static ActivityBatch Batch(long sequence, string conversationId = "c1") =>
        new(conversationId, sequence, "c:" + sequence, [$"{{\"id\":\"{conversationId}|{sequence}\"}}"], At);

    [Fact]
    public async Task A_stored_batch_wakes_its_conversations_stream_and_is_handed_over_whole()
    {
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        signals.Notify(Batch(2));

        (await stream.WaitAsync(TimeSpan.FromSeconds(2), new FakeTimeProvider(At), CancellationToken.None)).ShouldBeTrue();
        var handed = stream.TakeAfter(1);
        handed.ShouldNotBeNull();
        handed.Select(b => b.Sequence).ShouldBe([2L]);
        handed[0].Activities.ShouldBe(["{\"id\":\"c1|2\"}"]);
        stream.TakeAfter(2).ShouldBeEmpty();
    }

    [Fact]
    public void Batches_of_another_conversation_are_not_handed_over()
    {
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        signals.Notify(Batch(2, "c2"));

        stream.TakeAfter(1).ShouldBeEmpty();
    }

    [Fact]
    public void Batches_already_sent_and_a_retried_posts_repeat_are_dropped_and_the_rest_come_in_order()
    {
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        signals.Notify(Batch(4));
        signals.Notify(Batch(3));
        signals.Notify(Batch(2));
        signals.Notify(Batch(3));

        stream.TakeAfter(2)!.Select(b => b.Sequence).ShouldBe([3L, 4L]);
    }

    [Fact]
    public void A_gap_after_the_watermark_means_the_store_is_read()
    {
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        // Batch 3 was stored by another host: this one only saw 4.
        signals.Notify(Batch(4));

        stream.TakeAfter(2).ShouldBeNull();
    }

    [Fact]
    public void More_batches_than_are_held_means_the_store_is_read_once_then_handing_over_resumes()
    {
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        for (var sequence = 2; sequence <= ActivitySignals.Subscription.MaxHeld + 2; sequence++)
        {
            signals.Notify(Batch(sequence));
        }

        stream.TakeAfter(1).ShouldBeNull();
        signals.Notify(Batch(ActivitySignals.Subscription.MaxHeld + 3));
        stream.TakeAfter(ActivitySignals.Subscription.MaxHeld + 2)!.Select(b => b.Sequence).ShouldBe([ActivitySignals.Subscription.MaxHeld + 3L]);
    }

    [Fact]
    public async Task Without_a_signal_the_wait_ends_when_the_recheck_is_due()
    {
        var time = new FakeTimeProvider(At);
        var signals = new ActivitySignals();
        using var stream = signals.Subscribe("c1");

        var waiting = stream.WaitAsync(DirectLineStream.RecheckEvery, time, CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();
        time.Advance(DirectLineStream.RecheckEvery);

        (await waiting).ShouldBeFalse();
    }

    [Fact]
    public void A_closed_stream_is_handed_nothing_more()
    {
        var signals = new ActivitySignals();
        var stream = signals.Subscribe("c1");
        stream.Dispose();

        signals.Notify(Batch(2));

        stream.TakeAfter(1).ShouldBeEmpty();
    }
}
