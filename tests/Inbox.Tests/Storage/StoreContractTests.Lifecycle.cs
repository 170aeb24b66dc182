using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Reachable_store_is_healthy()
    {
        var (healthy, reason) = await Stores.Health.CheckAsync();

        healthy.ShouldBeTrue();
        reason.ShouldBeNull();
    }

    [Fact]
    public async Task Unreachable_store_is_unhealthy_with_a_reason()
    {
        var health = await CreateUnreachableHealthAsync();

        var (healthy, reason) = await health.CheckAsync();

        healthy.ShouldBeFalse();
        reason.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Everything_written_survives_a_restart()
    {
        var request = Request("ABCD-2345");
        var text = Text(idempotencyKey: "confirmation:ABCD-2345");
        var audit = new AuditEntry(T0, "alice@surgery-a.example", "request.viewed", "surgery-a", "ABCD-2345", null);
        await Stores.Requests.AddAsync(request);
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));
        await Stores.Outbox.EnqueueAsync(text);
        await Stores.Audit.AppendAsync(audit);
        await Stores.UsageCounters.IncrementAsync("surgery-a", "advice-shown", Today);
        await Stores.OptOuts.SetAsync("+447700900123", true, T0);

        var reopened = await ReopenStoresAsync();

        ShouldBeSameRequest(await reopened.Requests.GetAsync("ABCD-2345"), request);
        (await reopened.Requests.AddAsync(request)).ShouldBe(AddResult.AlreadyExists);
        (await reopened.Conversations.GetAsync("webchat:1")).ShouldBe(Conversation("webchat:1", 1));
        (await reopened.Outbox.ListForRecipientAsync(text.To, 10)).ShouldBe([text]);
        (await reopened.Outbox.EnqueueAsync(text with { Id = Guid.NewGuid() })).ShouldBeFalse();
        (await reopened.Audit.QueryAsync(new AuditQuery())).ShouldBe([audit]);
        (await reopened.UsageCounters.GetAsync("surgery-a", "advice-shown", Today)).ShouldBe(1);
        (await reopened.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeTrue();
    }
}
