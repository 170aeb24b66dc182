using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Tests.Staff.Support;

namespace PatientContact.Inbox.Tests.Staff;

public sealed class InboxTextAndFilterTests
{
    private static IQueryCollection Query(params (string Key, string Value)[] values) =>
        new QueryCollection(values.ToDictionary(v => v.Key, v => new StringValues(v.Value)));

    [Theory]
    [InlineData("new", RequestStatus.New)]
    [InlineData("in progress", RequestStatus.InProgress)]
    [InlineData("in-progress", RequestStatus.InProgress)]
    [InlineData("IN_PROGRESS", RequestStatus.InProgress)]
    [InlineData("Done", RequestStatus.Done)]
    public void Status_reads_every_spelling(string text, RequestStatus expected)
    {
        InboxText.TryParseStatus(text, out var status).ShouldBeTrue();
        status.ShouldBe(expected);
    }

    [Fact]
    public void Status_is_written_new_in_progress_done()
    {
        new[] { RequestStatus.New, RequestStatus.InProgress, RequestStatus.Done }.Select(InboxText.Status).ShouldBe(["new", "in progress", "done"]);
    }

    [Theory]
    [InlineData("abcd-2345", "ABCD-2345")]
    [InlineData(" ABCD2345 ", "ABCD-2345")]
    [InlineData("abcd 2345", "ABCD-2345")]
    [InlineData("ABCD-234", null)]
    [InlineData("ABCI-2345", null)]
    [InlineData("../../etc", null)]
    public void Reference_id_is_read_as_staff_type_it(string typed, string? expected)
    {
        InboxText.ReferenceId(typed).ShouldBe(expected);
    }

    [Fact]
    public void Filters_are_read_from_the_query()
    {
        var (filter, problems) = InboxFilter.Parse(Query(("status", "in-progress"), ("matched", "unmatched"), ("requestType", "admin-request"), ("redFlag", "yes"), ("q", "smith"), ("page", "2"), ("pageSize", "10")));

        problems.ShouldBeEmpty();
        filter.ShouldBe(new InboxFilter { Status = RequestStatus.InProgress, Matched = false, RequestTypeId = "admin-request", RedFlagged = true, Search = "smith", Page = 2, PageSize = 10 });
    }

    [Theory]
    [InlineData("status", "closed")]
    [InlineData("matched", "maybe")]
    [InlineData("redFlag", "2")]
    [InlineData("page", "0")]
    [InlineData("page", "x")]
    [InlineData("pageSize", "101")]
    public void Filter_that_cannot_be_read_is_named(string key, string value)
    {
        var (_, problems) = InboxFilter.Parse(Query((key, value)));

        problems.Keys.ShouldBe([key]);
    }

    [Fact]
    public void Query_holds_only_the_staff_members_services()
    {
        var staff = StaffHarness.Member("a@x.example", "riverside-gp", "northside-community");

        new InboxFilter().ToQuery(staff).ServiceIds.ShouldBe(["riverside-gp", "northside-community"]);
        new InboxFilter { ServiceId = "northside-community" }.ToQuery(staff).ServiceIds.ShouldBe(["northside-community"]);
        new InboxFilter { ServiceId = "hillview-mental-health" }.ToQuery(staff).ServiceIds.ShouldBeEmpty();
    }

    [Fact]
    public void Audit_description_of_a_list_never_holds_the_words_searched_for()
    {
        new InboxFilter { Search = "Smith", Status = RequestStatus.New }.Describe().ShouldBe("status=new, search, page=1");
    }
}
