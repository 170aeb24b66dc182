using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    /// <summary>A personal follow-up link with every field set, different from the defaults.</summary>
    protected static SentLink FollowUpLink(string id = "link-1", string serviceId = "surgery-a", DateTimeOffset? sentAt = null, string? tokenHash = null) => new()
    {
        Id = id,
        ServiceId = serviceId,
        Kind = SentLinkKind.FollowUp,
        Phone = "+447700900123",
        FirstName = "Zoë",
        LastName = "O'Brien-Ñúñez",
        DateOfBirth = new DateOnly(1931, 2, 28),
        NhsNumber = "9434765919",
        Pathway = "Rheumatology",
        TokenHash = tokenHash ?? LinkTokens.New().Hash,
        EndsAt = (sentAt ?? T0).AddDays(182),
        SentAt = sentAt ?? T0,
        SentBy = "alice@surgery-a.example",
        FailedConfirmations = 1,
        Version = 1,
    };

    /// <summary>The service's general link: no token, no end, no patient details.</summary>
    protected static SentLink GeneralLink(string id, string serviceId = "surgery-a", DateTimeOffset? sentAt = null) => new()
    {
        Id = id,
        ServiceId = serviceId,
        Kind = SentLinkKind.General,
        Phone = "+447700900456",
        SentAt = sentAt ?? T0,
        SentBy = "bob@surgery-a.example",
    };

    [Fact]
    public async Task Follow_up_link_reads_back_with_every_field_by_id_and_by_token_hash()
    {
        var link = FollowUpLink() with
        {
            // Another offset: read back as the same moment.
            SentAt = new DateTimeOffset(2025, 3, 3, 10, 15, 30, 123, TimeSpan.FromHours(1)),
            EndsAt = new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero),
            EndedEarlyAt = T0.AddDays(30),
            EndedEarlyBy = "carol@surgery-a.example",
            FailedConfirmations = 2,
            Version = 4,
        };

        (await Stores.SentLinks.AddAsync(link)).ShouldBe(AddResult.Added);

        (await Stores.SentLinks.GetAsync("link-1")).ShouldBe(link);
        (await Stores.SentLinks.FindByTokenHashAsync(link.TokenHash!)).ShouldBe(link);
    }

    [Fact]
    public async Task General_link_reads_back_with_its_empty_fields_still_empty()
    {
        var link = GeneralLink("link-g");

        (await Stores.SentLinks.AddAsync(link)).ShouldBe(AddResult.Added);

        var stored = await Stores.SentLinks.GetAsync("link-g");
        stored.ShouldBe(link);
        stored!.TokenHash.ShouldBeNull();
        stored.EndsAt.ShouldBeNull();
        stored.DateOfBirth.ShouldBeNull();
        stored.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Unknown_link_id_or_token_hash_reads_as_null()
    {
        var link = FollowUpLink();
        await Stores.SentLinks.AddAsync(link);

        (await Stores.SentLinks.GetAsync("link-2")).ShouldBeNull();
        (await Stores.SentLinks.GetAsync("LINK-1")).ShouldBeNull("ids are compared exactly");
        (await Stores.SentLinks.FindByTokenHashAsync(LinkTokens.New().Hash)).ShouldBeNull();
        (await Stores.SentLinks.FindByTokenHashAsync(link.TokenHash!.ToUpperInvariant())).ShouldBeNull("hashes are compared exactly");
        (await Stores.SentLinks.FindByTokenHashAsync("")).ShouldBeNull();
    }

    [Fact]
    public async Task Second_link_with_the_same_id_is_refused_and_the_first_is_unchanged()
    {
        var first = FollowUpLink();
        await Stores.SentLinks.AddAsync(first);
        var second = FollowUpLink() with { Pathway = "Dermatology", Phone = "+447700900999" };

        (await Stores.SentLinks.AddAsync(second)).ShouldBe(AddResult.AlreadyExists);

        (await Stores.SentLinks.GetAsync("link-1")).ShouldBe(first);
        (await Stores.SentLinks.FindByTokenHashAsync(second.TokenHash!)).ShouldBeNull();
    }

    [Fact]
    public async Task Second_link_with_the_same_token_hash_is_refused_and_changes_nothing()
    {
        var first = FollowUpLink("link-1");
        await Stores.SentLinks.AddAsync(first);

        (await Stores.SentLinks.AddAsync(FollowUpLink("link-2", "surgery-b", tokenHash: first.TokenHash))).ShouldBe(AddResult.AlreadyExists);

        (await Stores.SentLinks.GetAsync("link-2")).ShouldBeNull();
        (await Stores.SentLinks.FindByTokenHashAsync(first.TokenHash!)).ShouldBe(first);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a", "surgery-b"], 10)).ShouldBe([first]);
    }

    [Fact]
    public async Task Concurrent_adds_of_one_token_hash_keep_exactly_one_link()
    {
        var tokenHash = LinkTokens.New().Hash;

        var results = await RunConcurrently(8, i => Stores.SentLinks.AddAsync(FollowUpLink($"link-{i}", tokenHash: tokenHash)));

        results.Count(r => r == AddResult.Added).ShouldBe(1);
        var winner = $"link-{Array.IndexOf(results, AddResult.Added)}";
        (await Stores.SentLinks.FindByTokenHashAsync(tokenHash))!.Id.ShouldBe(winner);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a"], 100)).Select(l => l.Id).ShouldBe([winner]);
    }

    [Fact]
    public async Task General_links_without_a_token_hash_are_all_kept()
    {
        (await Stores.SentLinks.AddAsync(GeneralLink("link-g1"))).ShouldBe(AddResult.Added);
        (await Stores.SentLinks.AddAsync(GeneralLink("link-g2"))).ShouldBe(AddResult.Added);
        (await Stores.SentLinks.AddAsync(GeneralLink("link-g3", "surgery-b"))).ShouldBe(AddResult.Added);

        (await Stores.SentLinks.GetAsync("link-g1")).ShouldNotBeNull();
        (await Stores.SentLinks.GetAsync("link-g2")).ShouldNotBeNull();
        (await Stores.SentLinks.GetAsync("link-g3")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Sent_links_are_listed_newest_first_for_the_given_services_only()
    {
        var oldest = GeneralLink("link-1", "surgery-a", T0);
        var otherService = FollowUpLink("link-2", "surgery-b", T0.AddMinutes(1));
        var newest = FollowUpLink("link-3", "surgery-a", T0.AddMinutes(3));
        var middle = GeneralLink("link-4", "surgery-a", T0.AddMinutes(2));
        var notAsked = GeneralLink("link-5", "surgery-c", T0.AddMinutes(4));
        var similarName = GeneralLink("link-6", "surgery-aa", T0.AddMinutes(5));
        foreach (var link in new[] { oldest, otherService, newest, middle, notAsked, similarName })
        {
            (await Stores.SentLinks.AddAsync(link)).ShouldBe(AddResult.Added);
        }

        (await Stores.SentLinks.ListForServicesAsync(["surgery-a"], 10)).ShouldBe([newest, middle, oldest]);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a", "surgery-b"], 10)).ShouldBe([newest, middle, otherService, oldest]);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a", "surgery-b"], 2)).ShouldBe([newest, middle]);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a", "surgery-a"], 10)).Count.ShouldBe(3);
        (await Stores.SentLinks.ListForServicesAsync(["surgery-d"], 10)).ShouldBeEmpty();
        (await Stores.SentLinks.ListForServicesAsync([], 10)).ShouldBeEmpty();
        (await Stores.SentLinks.ListForServicesAsync(["surgery-a"], 0)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Sent_link_update_needs_the_next_version()
    {
        var link = FollowUpLink();
        await Stores.SentLinks.AddAsync(link);

        (await Stores.SentLinks.TryUpdateAsync(link with { FailedConfirmations = 2, Version = 3 })).ShouldBeFalse();
        (await Stores.SentLinks.TryUpdateAsync(link with { FailedConfirmations = 2, Version = 1 })).ShouldBeFalse();
        (await Stores.SentLinks.GetAsync(link.Id)).ShouldBe(link);

        var ended = link with { EndedEarlyAt = T0.AddDays(10), EndedEarlyBy = "carol@surgery-a.example", FailedConfirmations = 2, Version = 2 };
        (await Stores.SentLinks.TryUpdateAsync(ended)).ShouldBeTrue();
        (await Stores.SentLinks.GetAsync(link.Id)).ShouldBe(ended);

        // A second writer that read version 1 too is too late.
        (await Stores.SentLinks.TryUpdateAsync(link with { FailedConfirmations = 5, Version = 2 })).ShouldBeFalse();
        (await Stores.SentLinks.GetAsync(link.Id)).ShouldBe(ended);
        (await Stores.SentLinks.FindByTokenHashAsync(link.TokenHash!)).ShouldBe(ended);
    }

    [Fact]
    public async Task Update_of_a_link_that_does_not_exist_changes_nothing()
    {
        (await Stores.SentLinks.TryUpdateAsync(FollowUpLink() with { Version = 2 })).ShouldBeFalse();

        (await Stores.SentLinks.GetAsync("link-1")).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_sent_link_updates_from_one_version_let_exactly_one_win()
    {
        var link = FollowUpLink();
        await Stores.SentLinks.AddAsync(link);

        var results = await RunConcurrently(8, i => Stores.SentLinks.TryUpdateAsync(link with { FailedConfirmations = 10 + i, Version = 2 }));

        results.Count(won => won).ShouldBe(1);
        (await Stores.SentLinks.GetAsync(link.Id))!.FailedConfirmations.ShouldBe(10 + Array.IndexOf(results, true));
    }

    [Fact]
    public async Task Sent_links_survive_a_restart()
    {
        var link = FollowUpLink();
        await Stores.SentLinks.AddAsync(link);

        var reopened = await ReopenStoresAsync();

        (await reopened.SentLinks.FindByTokenHashAsync(link.TokenHash!)).ShouldBe(link);
    }

    [Fact]
    public async Task Request_from_a_follow_up_link_reads_back_with_its_tag()
    {
        var tagged = Request("ABCD-2345") with { FollowUp = new FollowUpTag("link-1", "Rheumatology", "9434765919") };
        var withoutNumber = Request("EFGH-6789") with { FollowUp = new FollowUpTag("link-2", "Dermatology", null) };

        (await Stores.Requests.AddAsync(tagged)).ShouldBe(AddResult.Added);
        (await Stores.Requests.AddAsync(withoutNumber)).ShouldBe(AddResult.Added);

        ShouldBeSameRequest(await Stores.Requests.GetAsync("ABCD-2345"), tagged);
        ShouldBeSameRequest(await Stores.Requests.GetAsync("EFGH-6789"), withoutNumber);
        (await Stores.Requests.GetAsync("EFGH-6789"))!.FollowUp!.NhsNumber.ShouldBeNull();
    }

    [Fact]
    public async Task Request_not_from_a_follow_up_link_reads_back_without_a_tag()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345"));

        (await Stores.Requests.GetAsync("ABCD-2345"))!.FollowUp.ShouldBeNull();
        (await Stores.Requests.ListAsync(new RequestQuery { ServiceIds = ["surgery-a"] })).Items.Single().FollowUp.ShouldBeNull();
    }
}
