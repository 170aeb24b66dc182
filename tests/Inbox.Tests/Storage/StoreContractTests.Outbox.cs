using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enqueued_text_reads_back_with_every_field()
    {
        var message = Text(idempotencyKey: "otp:webchat:1:1") with
        {
            From = "+447700900001",
            Body = "Your code is 123456. Do not share it. – Surgery A",
            Purpose = TextPurpose.Code,
            Status = OutboxStatus.Held,
            Attempts = 2,
            NextAttemptAt = T0.AddMinutes(5),
            ProviderMessageId = "SM0123456789",
            Error = "queue full",
            ValiditySeconds = 600,
        };

        (await Stores.Outbox.EnqueueAsync(message)).ShouldBeTrue();

        (await Stores.Outbox.ListForRecipientAsync(message.To, 10)).ShouldBe([message]);
    }

    [Fact]
    public async Task Repeated_idempotency_key_is_not_sent_twice()
    {
        var first = Text(idempotencyKey: "confirmation:ABCD-2345");

        (await Stores.Outbox.EnqueueAsync(first)).ShouldBeTrue();
        (await Stores.Outbox.EnqueueAsync(Text(idempotencyKey: "confirmation:ABCD-2345") with { Body = "again" })).ShouldBeFalse();

        (await Stores.Outbox.ListForRecipientAsync(first.To, 10)).ShouldBe([first]);
    }

    [Fact]
    public async Task Concurrent_enqueues_with_one_idempotency_key_keep_one_text()
    {
        var results = await RunConcurrently(20, _ => Stores.Outbox.EnqueueAsync(Text(idempotencyKey: "staff-reply:42")));

        results.Count(added => added).ShouldBe(1);
        (await Stores.Outbox.ListForRecipientAsync("+447700900123", 50)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Texts_without_an_idempotency_key_are_all_kept()
    {
        (await Stores.Outbox.EnqueueAsync(Text())).ShouldBeTrue();
        (await Stores.Outbox.EnqueueAsync(Text())).ShouldBeTrue();

        (await Stores.Outbox.ListForRecipientAsync("+447700900123", 10)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Texts_for_a_recipient_are_listed_newest_first_up_to_the_limit()
    {
        var oldest = Text(createdAt: T0);
        var middle = Text(createdAt: T0.AddMinutes(1));
        var newest = Text(createdAt: T0.AddMinutes(2));
        await Stores.Outbox.EnqueueAsync(middle);
        await Stores.Outbox.EnqueueAsync(newest);
        await Stores.Outbox.EnqueueAsync(oldest);
        await Stores.Outbox.EnqueueAsync(Text(to: "+447700900999", createdAt: T0.AddMinutes(5)));

        (await Stores.Outbox.ListForRecipientAsync("+447700900123", 10)).Select(m => m.Id).ShouldBe([newest.Id, middle.Id, oldest.Id]);
        (await Stores.Outbox.ListForRecipientAsync("+447700900123", 2)).Select(m => m.Id).ShouldBe([newest.Id, middle.Id]);
        (await Stores.Outbox.ListForRecipientAsync("+447700900000", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Claim_takes_the_oldest_due_text_first()
    {
        var second = Text(createdAt: T0.AddSeconds(2));
        var first = Text(createdAt: T0.AddSeconds(1));
        var notYetDue = Text(createdAt: T0) with { NextAttemptAt = T0.AddMinutes(5) };
        await Stores.Outbox.EnqueueAsync(second);
        await Stores.Outbox.EnqueueAsync(notYetDue);
        await Stores.Outbox.EnqueueAsync(first);
        var now = T0.AddSeconds(10);

        (await Stores.Outbox.ClaimNextDueAsync(now, Lease))!.Id.ShouldBe(first.Id);
        (await Stores.Outbox.ClaimNextDueAsync(now, Lease))!.Id.ShouldBe(second.Id);
        (await Stores.Outbox.ClaimNextDueAsync(now, Lease)).ShouldBeNull();
        (await Stores.Outbox.ClaimNextDueAsync(T0.AddMinutes(5), Lease))!.Id.ShouldBe(notYetDue.Id);
    }

    [Fact]
    public async Task Claimed_text_is_marked_sending_until_the_lease_ends()
    {
        var message = Text();
        await Stores.Outbox.EnqueueAsync(message);
        var now = T0.AddSeconds(1);

        var claimed = await Stores.Outbox.ClaimNextDueAsync(now, Lease);

        claimed.ShouldBe(message with { Status = OutboxStatus.Sending, NextAttemptAt = now + Lease });
        (await Stores.Outbox.ListForRecipientAsync(message.To, 1)).Single().ShouldBe(claimed);
    }

    [Fact]
    public async Task Claimed_text_is_not_claimed_again_until_its_lease_runs_out()
    {
        var message = Text();
        await Stores.Outbox.EnqueueAsync(message);

        (await Stores.Outbox.ClaimNextDueAsync(T0, Lease)).ShouldNotBeNull();

        (await Stores.Outbox.ClaimNextDueAsync(T0.AddSeconds(29), Lease)).ShouldBeNull();
        var reclaimed = await Stores.Outbox.ClaimNextDueAsync(T0.AddSeconds(30), Lease);
        reclaimed.ShouldNotBeNull();
        reclaimed.Id.ShouldBe(message.Id);
        reclaimed.NextAttemptAt.ShouldBe(T0.AddSeconds(60));
    }

    [Fact]
    public async Task Sent_failed_and_held_texts_are_never_claimed()
    {
        await Stores.Outbox.EnqueueAsync(Text() with { Status = OutboxStatus.Sent });
        await Stores.Outbox.EnqueueAsync(Text() with { Status = OutboxStatus.Failed });
        await Stores.Outbox.EnqueueAsync(Text() with { Status = OutboxStatus.Held });

        (await Stores.Outbox.ClaimNextDueAsync(T0.AddDays(1), Lease)).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_claimers_take_each_text_once()
    {
        var messages = Enumerable.Range(0, 5).Select(i => Text(createdAt: T0.AddSeconds(i))).ToArray();
        foreach (var message in messages)
        {
            await Stores.Outbox.EnqueueAsync(message);
        }

        var claims = await RunConcurrently(10, _ => Stores.Outbox.ClaimNextDueAsync(T0.AddMinutes(1), Lease));

        var claimed = claims.Where(c => c is not null).Select(c => c!.Id).ToArray();
        if (SupportsAtomicConcurrentClaims)
        {
            claimed.ShouldBe(messages.Select(m => m.Id), ignoreOrder: true);
            claims.Count(c => c is null).ShouldBe(5);
            return;
        }

        // Without atomic claims two claimers may take the same text, but every claim is a real, due text
        // marked Sending, and whatever the race left is claimed next: nothing is lost.
        claims.Where(c => c is not null).ShouldAllBe(c => c!.Status == OutboxStatus.Sending && c.NextAttemptAt == T0.AddMinutes(1) + Lease);
        claimed.ShouldBeSubsetOf(messages.Select(m => m.Id));
        var leftOver = new List<Guid>();
        while (await Stores.Outbox.ClaimNextDueAsync(T0.AddMinutes(1), Lease) is { } next)
        {
            leftOver.Add(next.Id);
            leftOver.Count.ShouldBeLessThanOrEqualTo(messages.Length);
        }
        claimed.Concat(leftOver).Distinct().ShouldBe(messages.Select(m => m.Id), ignoreOrder: true);
    }

    [Fact]
    public async Task Update_records_a_successful_send()
    {
        await Stores.Outbox.EnqueueAsync(Text());
        var claimed = (await Stores.Outbox.ClaimNextDueAsync(T0, Lease))!;
        var sent = claimed with { Status = OutboxStatus.Sent, Attempts = 1, ProviderMessageId = "SM0123456789" };

        await Stores.Outbox.UpdateAsync(sent);

        (await Stores.Outbox.ListForRecipientAsync(sent.To, 1)).Single().ShouldBe(sent);
        (await Stores.Outbox.ClaimNextDueAsync(T0.AddHours(1), Lease)).ShouldBeNull();
    }

    [Fact]
    public async Task Text_put_back_for_a_retry_is_claimed_again_when_due()
    {
        await Stores.Outbox.EnqueueAsync(Text());
        var claimed = (await Stores.Outbox.ClaimNextDueAsync(T0, Lease))!;
        var retry = claimed with { Status = OutboxStatus.Pending, Attempts = 1, NextAttemptAt = T0.AddMinutes(2), Error = "provider timeout" };

        await Stores.Outbox.UpdateAsync(retry);

        (await Stores.Outbox.ClaimNextDueAsync(T0.AddMinutes(1), Lease)).ShouldBeNull();
        var again = (await Stores.Outbox.ClaimNextDueAsync(T0.AddMinutes(2), Lease))!;
        again.Attempts.ShouldBe(1);
        again.Error.ShouldBe("provider timeout");
    }

    [Fact]
    public async Task Update_changes_only_the_outcome_of_the_send_and_the_body_kept()
    {
        var message = Text(idempotencyKey: "otp:1") with { ValiditySeconds = 600 };
        await Stores.Outbox.EnqueueAsync(message);

        await Stores.Outbox.UpdateAsync(message with
        {
            To = "+447700900999",
            Body = "changed",
            Purpose = TextPurpose.StaffReply,
            Status = OutboxStatus.Failed,
            Attempts = 3,
            Error = "unreachable",
        });

        var stored = (await Stores.Outbox.ListForRecipientAsync(message.To, 1)).Single();
        // The body can change once a text has gone (a code's words are not kept); who it went to and why cannot.
        stored.ShouldBe(message with { Body = "changed", Status = OutboxStatus.Failed, Attempts = 3, Error = "unreachable" });
    }
}
