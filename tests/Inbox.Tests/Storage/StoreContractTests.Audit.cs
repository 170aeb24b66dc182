using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    private static AuditEntry Audit(int minute, string actor = "alice@surgery-a.example", string action = "request.viewed",
        string? serviceId = "surgery-a", string? referenceId = "ABCD-2345", string? detail = null) =>
        new(T0.AddMinutes(minute), actor, action, serviceId, referenceId, detail);

    [Fact]
    public async Task Audit_entries_read_back_oldest_first_with_every_field()
    {
        var later = Audit(2, action: "request.status-changed", detail: "new -> done");
        var earlier = Audit(1, serviceId: null, referenceId: null, action: "staff.signed-in");
        var sameMomentSecond = Audit(2, actor: "bob@surgery-a.example");
        await Stores.Audit.AppendAsync(later);
        await Stores.Audit.AppendAsync(earlier);
        await Stores.Audit.AppendAsync(sameMomentSecond);

        (await Stores.Audit.QueryAsync(new AuditQuery())).ShouldBe([earlier, later, sameMomentSecond]);
    }

    [Fact]
    public async Task Identical_audit_entries_are_all_kept()
    {
        await Stores.Audit.AppendAsync(Audit(1));
        await Stores.Audit.AppendAsync(Audit(1));

        (await Stores.Audit.QueryAsync(new AuditQuery())).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Audit_query_filters_by_service_reference_and_actor()
    {
        var a = Audit(1);
        var b = Audit(2, serviceId: "surgery-b", referenceId: "WXYZ-2345");
        var c = Audit(3, actor: "bob@surgery-a.example", referenceId: "ABCD-9999");
        foreach (var entry in new[] { a, b, c })
        {
            await Stores.Audit.AppendAsync(entry);
        }

        (await Stores.Audit.QueryAsync(new AuditQuery { ServiceId = "surgery-a" })).ShouldBe([a, c]);
        (await Stores.Audit.QueryAsync(new AuditQuery { ReferenceId = "WXYZ-2345" })).ShouldBe([b]);
        (await Stores.Audit.QueryAsync(new AuditQuery { Actor = "bob@surgery-a.example" })).ShouldBe([c]);
        (await Stores.Audit.QueryAsync(new AuditQuery { ServiceId = "surgery-a", Actor = "alice@surgery-a.example" })).ShouldBe([a]);
    }

    [Fact]
    public async Task Audit_query_window_includes_its_start_and_excludes_its_end()
    {
        var entries = Enumerable.Range(0, 5).Select(i => Audit(i)).ToArray();
        foreach (var entry in entries)
        {
            await Stores.Audit.AppendAsync(entry);
        }

        (await Stores.Audit.QueryAsync(new AuditQuery { From = T0.AddMinutes(1), To = T0.AddMinutes(3) })).ShouldBe([entries[1], entries[2]]);
        (await Stores.Audit.QueryAsync(new AuditQuery { From = T0.AddMinutes(3) })).ShouldBe([entries[3], entries[4]]);
        (await Stores.Audit.QueryAsync(new AuditQuery { To = T0.AddMinutes(1) })).ShouldBe([entries[0]]);
    }

    [Fact]
    public async Task Audit_query_limit_keeps_the_oldest()
    {
        var entries = Enumerable.Range(0, 5).Select(i => Audit(i)).ToArray();
        foreach (var entry in entries)
        {
            await Stores.Audit.AppendAsync(entry);
        }

        (await Stores.Audit.QueryAsync(new AuditQuery { Limit = 2 })).ShouldBe([entries[0], entries[1]]);
    }
}
