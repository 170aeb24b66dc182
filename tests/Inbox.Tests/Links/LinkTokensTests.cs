using System.Text.RegularExpressions;
using PatientContact.Inbox.Links;

namespace PatientContact.Inbox.Tests.Links;

public sealed partial class LinkTokensTests
{
    [GeneratedRegex("^[A-Za-z0-9_-]{22}$")]
    private static partial Regex UrlSafeToken();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex LowerHexSha256();

    [Fact]
    public void Token_is_22_url_safe_characters_carrying_128_bits()
    {
        var (token, _) = LinkTokens.New();

        LinkTokens.Length.ShouldBe(22);
        token.ShouldMatch(UrlSafeToken().ToString());
        Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "==").Length.ShouldBe(16);
    }

    [Fact]
    public void A_thousand_new_tokens_and_their_hashes_are_all_different()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => LinkTokens.New()).ToArray();

        tokens.Select(t => t.Token).Distinct(StringComparer.Ordinal).Count().ShouldBe(1000);
        tokens.Select(t => t.Hash).Distinct(StringComparer.Ordinal).Count().ShouldBe(1000);
        tokens.ShouldAllBe(t => UrlSafeToken().IsMatch(t.Token) && LowerHexSha256().IsMatch(t.Hash));
    }

    [Fact]
    public void Hash_of_a_token_is_its_lowercase_hex_sha256_and_the_same_every_time()
    {
        var (token, hash) = LinkTokens.New();

        LinkTokens.HashIfWellFormed(token).ShouldBe(hash);
        LinkTokens.HashIfWellFormed(token).ShouldBe(hash);
        hash.ShouldMatch(LowerHexSha256().ToString());
        hash.ShouldNotContain(token);
        // Fixed here so a change of hashing (which would orphan every link already sent) cannot go unnoticed.
        LinkTokens.HashIfWellFormed("AAAAAAAAAAAAAAAAAAAAAA").ShouldBe("8a5bdb4cc15164126c6ef2668de9dd240d299ce6397a42c95a9411b93d080ed8");
    }

    [Fact]
    public void Tokens_differing_only_in_case_hash_differently()
    {
        LinkTokens.HashIfWellFormed("AAAAAAAAAAAAAAAAAAAAAA").ShouldNotBe(LinkTokens.HashIfWellFormed("aAAAAAAAAAAAAAAAAAAAAA"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("has spaces in it 12345")]
    [InlineData("AAAAAAAAAA  AAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA\r\n")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA%2")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAé")]
    public void Text_that_cannot_be_a_token_has_no_hash(string? text)
    {
        LinkTokens.HashIfWellFormed(text).ShouldBeNull();
    }
}

public sealed class SentLinkOpenTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Ends = T0.AddDays(182);

    private static SentLink Link(SentLinkKind kind, DateTimeOffset? endsAt) => new()
    {
        Id = "link-1",
        ServiceId = "surgery-a",
        Kind = kind,
        Phone = "+447700900123",
        TokenHash = kind == SentLinkKind.FollowUp ? LinkTokens.New().Hash : null,
        EndsAt = endsAt,
        SentAt = T0,
        SentBy = "alice@surgery-a.example",
    };

    [Fact]
    public void General_link_is_always_open()
    {
        var link = Link(SentLinkKind.General, null);

        link.IsOpenAt(T0).ShouldBeTrue();
        link.IsOpenAt(T0.AddYears(100)).ShouldBeTrue();
        link.IsOpenAt(DateTimeOffset.MaxValue).ShouldBeTrue();
    }

    [Fact]
    public void Follow_up_link_is_open_until_its_end_and_closed_from_that_moment()
    {
        var link = Link(SentLinkKind.FollowUp, Ends);

        link.IsOpenAt(T0).ShouldBeTrue();
        link.IsOpenAt(Ends.AddTicks(-1)).ShouldBeTrue();
        link.IsOpenAt(Ends).ShouldBeFalse();
        link.IsOpenAt(Ends.AddTicks(1)).ShouldBeFalse();
        link.IsOpenAt(Ends.AddYears(1)).ShouldBeFalse();
    }

    [Fact]
    public void Follow_up_link_ended_early_is_closed_before_its_end_date()
    {
        var link = Link(SentLinkKind.FollowUp, Ends) with { EndedEarlyAt = T0.AddDays(1), EndedEarlyBy = "carol@surgery-a.example" };

        link.IsOpenAt(T0.AddDays(2)).ShouldBeFalse();
        link.IsOpenAt(Ends.AddTicks(-1)).ShouldBeFalse();
    }

    [Fact]
    public void Follow_up_link_without_an_end_date_is_never_open()
    {
        Link(SentLinkKind.FollowUp, null).IsOpenAt(T0).ShouldBeFalse();
    }
}
