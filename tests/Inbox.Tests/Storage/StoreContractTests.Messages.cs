using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static readonly DeliveryStatus[] NotFinal = [DeliveryStatus.Queued, DeliveryStatus.Sent];

    [Fact]
    public async Task A_message_is_kept_whole_and_listed_on_its_request_in_order()
    {
        var reply = Inbound("ABCD-2345", T0.AddMinutes(5), "sms:SM1") with { RedFlagIds = ["chest-pain"], AutoReply = "Thanks", Acknowledged = true };
        var text = Outbound("ABCD-2345", T0, "outbox:staff-reply:1");
        (await Stores.Messages.AddAsync(reply)).ShouldBe(AddResult.Added);
        (await Stores.Messages.AddAsync(text)).ShouldBe(AddResult.Added);
        await Stores.Messages.AddAsync(Outbound("ZZZZ-2345", T0, null));

        var reopened = await ReopenStoresAsync();
        var thread = await reopened.Messages.ListForRequestAsync("ABCD-2345");

        thread.Select(m => m.Id).ShouldBe([text.Id, reply.Id]);
        ShouldBeSameMessage(thread[0], text);
        ShouldBeSameMessage(thread[1], reply);
        ShouldBeSameMessage(await reopened.Messages.GetAsync(reply.Id), reply);
        (await reopened.Messages.ListForRequestAsync("NONE-0000")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_second_message_with_the_same_dedupe_key_or_id_is_not_stored()
    {
        var first = Inbound("ABCD-2345", T0, "sms:SM1");
        await Stores.Messages.AddAsync(first);

        (await Stores.Messages.AddAsync(first with { Id = Guid.NewGuid(), Body = "again" })).ShouldBe(AddResult.AlreadyExists);
        (await Stores.Messages.AddAsync(first with { DedupeKey = "sms:SM2", Body = "same id" })).ShouldBe(AddResult.AlreadyExists);
        // Messages without a key are any number.
        (await Stores.Messages.AddAsync(Inbound("ABCD-2345", T0, null))).ShouldBe(AddResult.Added);
        (await Stores.Messages.AddAsync(Inbound("ABCD-2345", T0, null))).ShouldBe(AddResult.Added);

        var thread = await Stores.Messages.ListForRequestAsync("ABCD-2345");
        thread.Count.ShouldBe(3);
        thread.ShouldContain(m => m.Id == first.Id && m.Body == first.Body);
        (await Stores.Messages.FindByDedupeKeyAsync("sms:SM1"))!.Id.ShouldBe(first.Id);
        (await Stores.Messages.FindByDedupeKeyAsync("sms:SM2")).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_copies_of_one_message_store_one()
    {
        var results = await RunConcurrently(8, i => Stores.Messages.AddAsync(Inbound("ABCD-2345", T0, "sms:SMsame") with { Body = $"copy {i}" }));

        results.Count(r => r == AddResult.Added).ShouldBe(1);
        (await Stores.Messages.ListForRequestAsync("ABCD-2345")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_status_moves_only_from_the_statuses_allowed_and_keeps_the_sid_and_error()
    {
        var text = Outbound("ABCD-2345", T0, null);
        await Stores.Messages.AddAsync(text);

        (await Stores.Messages.TryUpdateStatusAsync(text.Id, DeliveryStatus.Queued, [DeliveryStatus.Queued], T0.AddSeconds(1), "SMabc", null)).ShouldBeTrue();
        (await Stores.Messages.TryUpdateStatusAsync(text.Id, DeliveryStatus.Delivered, NotFinal, T0.AddSeconds(5), "SMabc", null)).ShouldBeTrue();
        // A late "sent" may only follow "queued": it finds "delivered" and changes nothing.
        (await Stores.Messages.TryUpdateStatusAsync(text.Id, DeliveryStatus.Sent, [DeliveryStatus.Queued], T0.AddSeconds(9), "SMabc", "late")).ShouldBeFalse();
        (await Stores.Messages.TryUpdateStatusAsync(Guid.NewGuid(), DeliveryStatus.Sent, [DeliveryStatus.Queued], T0, null, null)).ShouldBeFalse();

        var stored = (await ReopenStoresAsync()).Messages;
        var now = (await stored.GetAsync(text.Id))!;
        (now.Status, now.StatusAt, now.ProviderMessageId, now.Error).ShouldBe((DeliveryStatus.Delivered, T0.AddSeconds(5), "SMabc", null));
        (await stored.FindByProviderIdAsync("SMabc"))!.Id.ShouldBe(text.Id);
        (await stored.FindByProviderIdAsync("SMother")).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_reports_of_one_text_apply_once()
    {
        var text = Outbound("ABCD-2345", T0, null);
        await Stores.Messages.AddAsync(text);

        var results = await RunConcurrently(8, i => Stores.Messages.TryUpdateStatusAsync(
            text.Id, i % 2 == 0 ? DeliveryStatus.Delivered : DeliveryStatus.Undelivered, NotFinal, T0.AddSeconds(i), "SMabc", null));

        results.Count(r => r).ShouldBe(1);
    }

    [Fact]
    public async Task Unread_replies_are_found_per_request_until_marked_seen()
    {
        await Stores.Messages.AddAsync(Inbound("ABCD-2345", T0, "sms:SM1"));
        await Stores.Messages.AddAsync(Inbound("ABCD-2345", T0.AddMinutes(1), "sms:SM2"));
        await Stores.Messages.AddAsync(Inbound("EFGH-2345", T0, "sms:SM3"));
        await Stores.Messages.AddAsync(Outbound("JKMN-2345", T0, null));

        (await Stores.Messages.WithUnreadAsync(["ABCD-2345", "EFGH-2345", "JKMN-2345", "PQRS-2345"])).ShouldBe(["ABCD-2345", "EFGH-2345"], ignoreOrder: true);
        (await Stores.Messages.WithUnreadAsync([])).ShouldBeEmpty();

        (await Stores.Messages.MarkSeenAsync("ABCD-2345", T0.AddHours(1))).ShouldBe(2);
        (await Stores.Messages.MarkSeenAsync("ABCD-2345", T0.AddHours(2))).ShouldBe(0);

        (await Stores.Messages.WithUnreadAsync(["ABCD-2345", "EFGH-2345"])).ShouldBe(["EFGH-2345"]);
        (await Stores.Messages.ListForRequestAsync("ABCD-2345")).ShouldAllBe(m => m.SeenAt == T0.AddHours(1));
    }

    [Fact]
    public async Task The_latest_staff_text_to_a_number_is_found_for_its_service_since_a_moment()
    {
        await Stores.Messages.AddAsync(Outbound("ABCD-2345", T0, null));
        await Stores.Messages.AddAsync(Outbound("EFGH-2345", T0.AddDays(2), null));
        await Stores.Messages.AddAsync(Outbound("JKMN-2345", T0.AddDays(3), null) with { Author = null, Purpose = TextPurpose.Confirmation });
        await Stores.Messages.AddAsync(Outbound("PQRS-2345", T0.AddDays(4), null) with { ServiceId = "surgery-b" });
        await Stores.Messages.AddAsync(Outbound("TVWX-2345", T0.AddDays(5), null) with { Phone = "+447700900999" });

        (await Stores.Messages.LatestStaffTextAsync("surgery-a", "+447700900123", T0))!.ReferenceId.ShouldBe("EFGH-2345");
        (await Stores.Messages.LatestStaffTextAsync("surgery-a", "+447700900123", T0.AddDays(3))).ShouldBeNull();
        (await Stores.Messages.LatestStaffTextAsync("surgery-b", "+447700900123", T0))!.ReferenceId.ShouldBe("PQRS-2345");
    }

    [Fact]
    public async Task The_latest_request_with_a_contact_number_is_found_for_its_service_since_a_moment()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345", createdAt: T0));
        await Stores.Requests.AddAsync(Request("EFGH-2345", createdAt: T0.AddDays(1)));
        await Stores.Requests.AddAsync(Request("JKMN-2345", createdAt: T0.AddDays(2)) with { Contact = new ContactDetails("+447700900999", true, ContactPreference.Text) });
        await Stores.Requests.AddAsync(Request("PQRS-2345", serviceId: "surgery-b", createdAt: T0.AddDays(3)));

        (await Stores.Requests.LatestForPhoneAsync("surgery-a", "+447700900123", T0))!.ReferenceId.ShouldBe("EFGH-2345");
        (await Stores.Requests.LatestForPhoneAsync("surgery-a", "+447700900123", T0.AddDays(1).AddSeconds(1))).ShouldBeNull();
        (await Stores.Requests.LatestForPhoneAsync("surgery-a", "+447700900999", T0))!.ReferenceId.ShouldBe("JKMN-2345");
        (await Stores.Requests.LatestForPhoneAsync("surgery-b", "+447700900123", T0))!.ReferenceId.ShouldBe("PQRS-2345");
    }

    [Fact]
    public async Task A_changed_contact_number_is_the_one_found()
    {
        var request = Request("ABCD-2345", createdAt: T0);
        await Stores.Requests.AddAsync(request);
        (await Stores.Requests.TryUpdateAsync(request with { Contact = new ContactDetails("+447700900777", true, ContactPreference.Text), Version = 2 })).ShouldBeTrue();

        (await Stores.Requests.LatestForPhoneAsync("surgery-a", "+447700900123", T0)).ShouldBeNull();
        (await Stores.Requests.LatestForPhoneAsync("surgery-a", "+447700900777", T0))!.ReferenceId.ShouldBe("ABCD-2345");
    }

    protected static RequestMessage Inbound(string referenceId, DateTimeOffset at, string? dedupeKey) => new()
    {
        Id = Guid.NewGuid(),
        ReferenceId = referenceId,
        ServiceId = "surgery-a",
        Direction = MessageDirection.In,
        Channel = Channel.Sms,
        Body = "Yes I have called 999, \"ambulance\" coming – thanks",
        CreatedAt = at,
        Phone = "+447700900123",
        ProviderMessageId = dedupeKey?.Replace("sms:", "", StringComparison.Ordinal),
        DedupeKey = dedupeKey,
    };

    protected static RequestMessage Outbound(string referenceId, DateTimeOffset at, string? dedupeKey) => new()
    {
        Id = Guid.NewGuid(),
        ReferenceId = referenceId,
        ServiceId = "surgery-a",
        Direction = MessageDirection.Out,
        Channel = Channel.Sms,
        Body = "Please ring the surgery on 0113 496 0001.",
        CreatedAt = at,
        Phone = "+447700900123",
        Status = DeliveryStatus.Queued,
        StatusAt = at,
        Author = "staff@surgery-a.example",
        Purpose = TextPurpose.StaffReply,
        DedupeKey = dedupeKey,
    };

    protected static void ShouldBeSameMessage(RequestMessage? actual, RequestMessage expected)
    {
        actual.ShouldNotBeNull();
        actual.RedFlagIds.ShouldBe(expected.RedFlagIds);
        (actual with { RedFlagIds = expected.RedFlagIds }).ShouldBe(expected);
    }
}
