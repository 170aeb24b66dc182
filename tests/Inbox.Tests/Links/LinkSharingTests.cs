using Microsoft.Extensions.Logging.Abstractions;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Staff.Links;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;
using PatientContact.Inbox.Tests.Staff.Support;

namespace PatientContact.Inbox.Tests.Links;

/// <summary>Sending a link when the staff member's request is abandoned half way (a double click aborts the first post).</summary>
public sealed class LinkSharingTests : IDisposable
{
    private const string Mobile = "+447700900123";
    private readonly StaffHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_link_stored_just_before_the_post_is_abandoned_is_still_texted_and_audited_once()
    {
        using var abandoned = new CancellationTokenSource();
        var links = new AbandonedAfterAdd(new SqliteSentLinkStore(_harness.Database), abandoned);
        var sharing = new LinkSharing(links, _harness.Sender, _harness.OptOuts, _harness.Rules, _harness.Audit, _harness.Clock, NullLogger<LinkSharing>.Instance);
        var staff = StaffHarness.Member("staff@northside-community.example", "northside-community");
        var form = FollowUpForm(months: "6");

        var first = await sharing.SendAsync(staff, form, "https://pc.example.nhs.uk", abandoned.Token);
        var again = await sharing.SendAsync(staff, form, "https://pc.example.nhs.uk");

        abandoned.IsCancellationRequested.ShouldBeTrue("the post was abandoned once the link was stored");
        first.Problems.ShouldBeEmpty();
        again.AlreadySent.ShouldBeTrue();
        var texts = await _harness.Outbox.ListForRecipientAsync(Mobile, 10);
        texts.ShouldHaveSingleItem().Body.ShouldContain("https://pc.example.nhs.uk/c/northside-community/f/");
        (await _harness.AuditAsync()).Count(a => a.Action == "link.sent").ShouldBe(1);
    }

    [Fact]
    public async Task A_link_sent_late_on_a_winter_evening_works_to_the_end_of_the_same_date_in_summer_time()
    {
        // 23:30 on 2 December in London (GMT); six months on, London is on summer time (BST, UTC+1).
        _harness.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.Zero));
        var links = new SqliteSentLinkStore(_harness.Database);
        var sharing = new LinkSharing(links, _harness.Sender, _harness.OptOuts, _harness.Rules, _harness.Audit, _harness.Clock, NullLogger<LinkSharing>.Instance);
        var staff = StaffHarness.Member("staff@northside-community.example", "northside-community");

        var sent = await sharing.SendAsync(staff, FollowUpForm(months: "6"), "https://pc.example.nhs.uk");

        sent.Problems.ShouldBeEmpty();
        var link = (await links.ListForServicesAsync(["northside-community"], 10)).ShouldHaveSingleItem();
        LinkSharing.LastDay(link).ShouldBe("2 June 2027");
        link.IsOpenAt(new DateTimeOffset(2027, 6, 2, 23, 59, 0, TimeSpan.FromHours(1))).ShouldBeTrue("it works all of its last day, London time");
        link.IsOpenAt(new DateTimeOffset(2027, 6, 3, 0, 0, 0, TimeSpan.FromHours(1))).ShouldBeFalse("it has ended at midnight, London time");
    }

    private static LinkForm FollowUpForm(string months) => new()
    {
        ServiceId = "northside-community",
        Kind = LinkSharing.FollowUp,
        Mobile = "07700 900123",
        FirstName = "Jane",
        LastName = "Smith",
        BirthDay = "22",
        BirthMonth = "10",
        BirthYear = "2010",
        Pathway = "Rheumatology",
        Months = months,
        SendId = Guid.NewGuid().ToString("N"),
    };

    /// <summary>The real store, with the staff member's post abandoned the moment the link is stored.</summary>
    private sealed class AbandonedAfterAdd(ISentLinkStore inner, CancellationTokenSource abandon) : ISentLinkStore
    {
        public async Task<AddResult> AddAsync(SentLink link, CancellationToken cancellationToken = default)
        {
            var result = await inner.AddAsync(link, cancellationToken);
            await abandon.CancelAsync();
            return result;
        }

        public Task<SentLink?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<SentLink?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default) => inner.FindByTokenHashAsync(tokenHash, cancellationToken);

        public Task<IReadOnlyList<SentLink>> ListForServicesAsync(IReadOnlyCollection<string> serviceIds, int limit, CancellationToken cancellationToken = default) =>
            inner.ListForServicesAsync(serviceIds, limit, cancellationToken);

        public Task<bool> TryUpdateAsync(SentLink link, CancellationToken cancellationToken = default) => inner.TryUpdateAsync(link, cancellationToken);
    }
}
