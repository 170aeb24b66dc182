using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Queued_webhook_delivery_reads_back_with_every_field()
    {
        var delivery = Delivery("ABCD-2345") with
        {
            Status = WebhookStatus.Delivered,
            Attempts = 3,
            NextAttemptAt = T0.AddMinutes(2),
            DeliveredAt = T0.AddMinutes(3),
            Error = "HTTP 503",
        };

        (await Stores.Webhooks.EnqueueAsync(delivery)).ShouldBeTrue();

        (await Stores.Webhooks.GetAsync(delivery.Id)).ShouldBe(delivery);
        (await Stores.Webhooks.GetAsync("surgery-a:ZZZZ-ZZZZ")).ShouldBeNull();
    }

    [Fact]
    public async Task A_request_is_queued_for_its_webhook_once()
    {
        var first = Delivery("ABCD-2345");

        (await Stores.Webhooks.EnqueueAsync(first)).ShouldBeTrue();
        (await Stores.Webhooks.EnqueueAsync(first with { CreatedAt = T0.AddMinutes(1), Attempts = 9 })).ShouldBeFalse();

        (await Stores.Webhooks.GetAsync(first.Id)).ShouldBe(first);
    }

    [Fact]
    public async Task Webhook_claims_take_the_earliest_due_and_leave_the_rest()
    {
        var later = Delivery("BBBB-2345", createdAt: T0.AddSeconds(2));
        var earlier = Delivery("AAAA-2345", createdAt: T0.AddSeconds(1));
        var notYetDue = Delivery("CCCC-2345", createdAt: T0) with { NextAttemptAt = T0.AddMinutes(5) };
        var delivered = Delivery("DDDD-2345", createdAt: T0) with { Status = WebhookStatus.Delivered };
        foreach (var delivery in new[] { later, notYetDue, earlier, delivered })
        {
            await Stores.Webhooks.EnqueueAsync(delivery);
        }

        var now = T0.AddSeconds(10);
        var hour = TimeSpan.FromHours(1);
        var claimed = await Stores.Webhooks.ClaimNextDueAsync(now, hour);
        claimed.ShouldBe(earlier with { Status = WebhookStatus.Sending, NextAttemptAt = now + hour });
        (await Stores.Webhooks.ClaimNextDueAsync(now, hour))!.Id.ShouldBe(later.Id);
        (await Stores.Webhooks.ClaimNextDueAsync(now, hour)).ShouldBeNull();
        (await Stores.Webhooks.ClaimNextDueAsync(T0.AddMinutes(5), hour))!.Id.ShouldBe(notYetDue.Id);
    }

    [Fact]
    public async Task Claimed_webhook_delivery_is_claimed_again_only_when_its_lease_runs_out()
    {
        var delivery = Delivery("ABCD-2345");
        await Stores.Webhooks.EnqueueAsync(delivery);

        (await Stores.Webhooks.ClaimNextDueAsync(T0, Lease)).ShouldNotBeNull();

        (await Stores.Webhooks.ClaimNextDueAsync(T0.AddSeconds(29), Lease)).ShouldBeNull();
        (await Stores.Webhooks.ClaimNextDueAsync(T0.AddSeconds(30), Lease))!.Id.ShouldBe(delivery.Id);
    }

    [Fact]
    public async Task Webhook_outcome_is_kept_across_a_restart_and_a_retry_comes_due_at_its_time()
    {
        var delivery = Delivery("ABCD-2345");
        await Stores.Webhooks.EnqueueAsync(delivery);
        var claimed = (await Stores.Webhooks.ClaimNextDueAsync(T0, Lease))!;
        var retry = claimed with { Status = WebhookStatus.Pending, Attempts = 1, NextAttemptAt = T0.AddSeconds(40), Error = "HTTP 503" };

        await Stores.Webhooks.UpdateAsync(retry);
        var reopened = await ReopenStoresAsync();

        (await reopened.Webhooks.GetAsync(delivery.Id)).ShouldBe(retry);
        (await reopened.Webhooks.ClaimNextDueAsync(T0.AddSeconds(39), Lease)).ShouldBeNull();
        var again = (await reopened.Webhooks.ClaimNextDueAsync(T0.AddSeconds(40), Lease))!;
        again.Attempts.ShouldBe(1);
        await reopened.Webhooks.UpdateAsync(again with { Status = WebhookStatus.Delivered, Attempts = 2, DeliveredAt = T0.AddSeconds(41), Error = null });
        (await reopened.Webhooks.ClaimNextDueAsync(T0.AddDays(1), Lease)).ShouldBeNull();
        (await reopened.Webhooks.GetAsync(delivery.Id))!.Status.ShouldBe(WebhookStatus.Delivered);
    }

    private static WebhookDelivery Delivery(string referenceId, string serviceId = "surgery-a", DateTimeOffset? createdAt = null) => new()
    {
        Id = WebhookDelivery.IdFor(serviceId, referenceId),
        ServiceId = serviceId,
        ReferenceId = referenceId,
        CreatedAt = createdAt ?? T0,
        NextAttemptAt = createdAt ?? T0,
    };
}
