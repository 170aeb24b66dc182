using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset Cutoff = T0.AddDays(100);

    private static ContactRequest Closed(string referenceId, DateTimeOffset lastChange, params string[] photos) =>
        Request(referenceId, createdAt: T0) with
        {
            Status = RequestStatus.Done,
            UpdatedAt = lastChange,
            Attachments = [.. photos.Select(id => new RequestAttachment(id, "image/png", 3, 1, 1))],
        };

    [Fact]
    public async Task Retention_lists_only_done_requests_last_changed_before_the_cutoff_without_recent_messages()
    {
        await Stores.Requests.AddAsync(Closed("DONE-0001", Cutoff.AddDays(-1), "photo-1", "photo-2"));
        await Stores.Requests.AddAsync(Closed("DONE-0002", Cutoff.AddMinutes(1)));
        await Stores.Requests.AddAsync(Closed("DONE-0003", Cutoff.AddDays(-5)));
        await Stores.Messages.AddAsync(Inbound("DONE-0003", Cutoff.AddMinutes(2), "sms:late-reply"));
        await Stores.Requests.AddAsync(Request("OPEN-0001", createdAt: T0) with { Status = RequestStatus.New, UpdatedAt = T0 });
        await Stores.Requests.AddAsync(Request("OPEN-0002", createdAt: T0) with { Status = RequestStatus.InProgress, UpdatedAt = T0 });

        var closed = await Stores.Retention.ListClosedAsync(Cutoff, 10);

        closed.Select(c => c.ReferenceId).ShouldBe(["DONE-0001"]);
        closed[0].AttachmentIds.ShouldBe(["photo-1", "photo-2"]);
    }

    [Fact]
    public async Task Retention_removes_a_closed_request_with_its_messages_and_webhook_delivery_and_keeps_the_rest()
    {
        await Stores.Requests.AddAsync(Closed("DONE-0001", Cutoff.AddDays(-1)));
        await Stores.Messages.AddAsync(Outbound("DONE-0001", T0, "outbox:1"));
        await Stores.Webhooks.EnqueueAsync(Delivery("DONE-0001"));
        await Stores.Requests.AddAsync(Closed("DONE-0002", Cutoff.AddDays(-1)));
        await Stores.Messages.AddAsync(Outbound("DONE-0002", T0, "outbox:2"));
        await Stores.Webhooks.EnqueueAsync(Delivery("DONE-0002"));

        (await Stores.Retention.DeleteClosedAsync(["DONE-0001"], Cutoff)).ShouldBe(1);

        (await Stores.Requests.GetAsync("DONE-0001")).ShouldBeNull();
        (await Stores.Messages.ListForRequestAsync("DONE-0001")).ShouldBeEmpty();
        (await Stores.Webhooks.GetAsync(WebhookDelivery.IdFor("surgery-a", "DONE-0001"))).ShouldBeNull();
        (await Stores.Requests.GetAsync("DONE-0002")).ShouldNotBeNull();
        (await Stores.Messages.ListForRequestAsync("DONE-0002")).Count.ShouldBe(1);
        (await Stores.Webhooks.GetAsync(WebhookDelivery.IdFor("surgery-a", "DONE-0002"))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Retention_keeps_a_request_reopened_or_changed_after_it_was_listed()
    {
        var reopened = Closed("DONE-0001", Cutoff.AddDays(-1));
        var touched = Closed("DONE-0002", Cutoff.AddDays(-1));
        var replied = Closed("DONE-0003", Cutoff.AddDays(-1));
        foreach (var request in new[] { reopened, touched, replied })
        {
            await Stores.Requests.AddAsync(request);
        }

        var listed = await Stores.Retention.ListClosedAsync(Cutoff, 10);
        listed.Count.ShouldBe(3);
        (await Stores.Requests.TryUpdateAsync(reopened with { Status = RequestStatus.InProgress, UpdatedAt = Cutoff.AddDays(-1), Version = 2 })).ShouldBeTrue();
        (await Stores.Requests.TryUpdateAsync(touched with { UpdatedAt = Cutoff.AddHours(1), Version = 2 })).ShouldBeTrue();
        await Stores.Messages.AddAsync(Inbound("DONE-0003", Cutoff.AddHours(1), "sms:reply"));

        (await Stores.Retention.DeleteClosedAsync([.. listed.Select(c => c.ReferenceId)], Cutoff)).ShouldBe(0);

        foreach (var id in new[] { "DONE-0001", "DONE-0002", "DONE-0003" })
        {
            (await Stores.Requests.GetAsync(id)).ShouldNotBeNull(id);
        }
        (await Stores.Messages.ListForRequestAsync("DONE-0003")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retention_removes_old_audit_lines_only_where_no_stored_request_needs_them()
    {
        await Stores.Requests.AddAsync(Request("OPEN-0001", createdAt: T0));
        var signIn = new AuditEntry(T0, "alice@surgery-a.example", "staff.signed-in", null, null, null);
        var purgedRequest = new AuditEntry(T0, "alice@surgery-a.example", "request.viewed", "surgery-a", "GONE-0001", null);
        var openRequest = new AuditEntry(T0, "alice@surgery-a.example", "request.viewed", "surgery-a", "OPEN-0001", null);
        var recent = new AuditEntry(Cutoff.AddMinutes(1), "alice@surgery-a.example", "staff.signed-in", null, null, null);
        foreach (var entry in new[] { signIn, purgedRequest, openRequest, recent })
        {
            await Stores.Audit.AppendAsync(entry);
        }

        (await Stores.Retention.DeleteAuditAsync(Cutoff, 10)).ShouldBe(2);

        (await Stores.Audit.QueryAsync(new AuditQuery())).ShouldBe([openRequest, recent]);
    }

    [Fact]
    public async Task Retention_batches_audit_removal_by_the_limit()
    {
        for (var i = 0; i < 5; i++)
        {
            await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(i), "alice@surgery-a.example", "staff.signed-in", null, null, null));
        }

        (await Stores.Retention.DeleteAuditAsync(Cutoff, 2)).ShouldBe(2);
        (await Stores.Audit.QueryAsync(new AuditQuery())).Select(a => a.At).ShouldBe([T0.AddMinutes(2), T0.AddMinutes(3), T0.AddMinutes(4)]);
    }

    [Fact]
    public async Task Retention_empties_old_bodies_of_texts_sent_or_given_up_and_keeps_the_rest()
    {
        var sent = Text(createdAt: T0) with { Status = OutboxStatus.Sent, ProviderMessageId = "SM1" };
        var failed = Text(createdAt: T0) with { Status = OutboxStatus.Failed, Error = "HTTP 400" };
        var pending = Text(createdAt: T0);
        var held = Text(createdAt: T0) with { Status = OutboxStatus.Held };
        var recentSent = Text(createdAt: Cutoff.AddMinutes(1)) with { Status = OutboxStatus.Sent };
        foreach (var text in new[] { sent, failed, pending, held, recentSent })
        {
            await Stores.Outbox.EnqueueAsync(text);
        }

        (await Stores.Retention.ClearOutboxBodiesAsync(Cutoff, 10)).ShouldBe(2);

        var stored = (await Stores.Outbox.ListForRecipientAsync(sent.To, 10)).ToDictionary(m => m.Id);
        stored[sent.Id].ShouldBe(sent with { Body = "" });
        stored[failed.Id].ShouldBe(failed with { Body = "" });
        stored[pending.Id].Body.ShouldBe(pending.Body);
        stored[held.Id].Body.ShouldBe(held.Body);
        stored[recentSent.Id].Body.ShouldBe(recentSent.Body);
        (await Stores.Retention.ClearOutboxBodiesAsync(Cutoff, 10)).ShouldBe(0);
    }

    [Fact]
    public async Task Retention_forgets_numbers_long_opted_back_in_and_never_one_still_opted_out()
    {
        await Stores.OptOuts.SetAsync("+447700900001", optedOut: true, T0);
        await Stores.OptOuts.SetAsync("+447700900002", optedOut: true, T0);
        await Stores.OptOuts.SetAsync("+447700900002", optedOut: false, T0.AddDays(1));
        await Stores.OptOuts.SetAsync("+447700900003", optedOut: false, Cutoff.AddMinutes(1));

        (await Stores.Retention.DeleteOptInsAsync(Cutoff, 10)).ShouldBe(1);

        (await Stores.OptOuts.IsOptedOutAsync("+447700900001")).ShouldBeTrue();
        (await Stores.OptOuts.IsOptedOutAsync("+447700900002")).ShouldBeFalse();
        // The recent START is still there to outrank an older STOP delivered late.
        await Stores.OptOuts.SetAsync("+447700900003", optedOut: true, Cutoff);
        (await Stores.OptOuts.IsOptedOutAsync("+447700900003")).ShouldBeFalse();
    }
}
