using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Conversation.Verification;

namespace PatientContact.Conversation.Tests.Verification;

public sealed class CodeSendLimiterTests
{
    private const string Jane = "+447700900123";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly VerificationOptions _options = new() { MaxCodesPerNumber = 3, MaxCodesPerClient = 5, RateLimitWindow = TimeSpan.FromHours(1) };

    private CodeSendLimiter Limiter() => new(Options.Create(_options), _clock);

    [Theory]
    [InlineData("+441134960001", false, "a landline")]
    [InlineData("+449098790880", false, "a premium-rate number")]
    [InlineData("+447640123456", false, "a pager (076)")]
    [InlineData("+447012345678", true, "a 070 personal number, even if called mobile")]
    [InlineData("+33612345678", true, "a French mobile")]
    [InlineData("+4477009001234", true, "too many digits")]
    [InlineData("+44770090012", true, "too few digits")]
    [InlineData("07700900123", true, "not E.164")]
    [InlineData(null, true, "no number")]
    public void Only_a_uk_mobile_ever_gets_a_code(string? phone, bool isMobile, string what)
    {
        var limiter = Limiter();

        limiter.TryAcquire(Jane, true, "203.0.113.9", null).ShouldBeNull();
        limiter.TryAcquire(phone, isMobile, "203.0.113.9", null).ShouldBe(CodeSendRefusal.NotUkMobile, what);
        CodeSendLimiter.Explain(CodeSendRefusal.NotUkMobile).ShouldBe("We can only text a code to a UK mobile number.");
    }

    [Fact]
    public void A_number_gets_at_most_its_limit_within_the_window_from_any_client_then_again_as_the_window_slides()
    {
        var limiter = Limiter();
        for (var i = 0; i < 3; i++)
        {
            limiter.TryAcquire(Jane, true, $"203.0.113.{i}", null).ShouldBeNull();
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        limiter.TryAcquire(Jane, true, "198.51.100.1", null).ShouldBe(CodeSendRefusal.NumberLimit);
        limiter.TryAcquire("+447700900124", true, "198.51.100.1", null).ShouldBeNull();

        _clock.Advance(TimeSpan.FromMinutes(30));
        limiter.TryAcquire(Jane, true, "198.51.100.1", null).ShouldBeNull();
        limiter.TryAcquire(Jane, true, "198.51.100.1", null).ShouldBe(CodeSendRefusal.NumberLimit);
    }

    [Fact]
    public void A_client_gets_at_most_its_limit_whatever_numbers_it_asks_for()
    {
        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquire($"+4477009002{i:D2}", true, "203.0.113.9", null).ShouldBeNull();
        }

        limiter.TryAcquire("+447700900299", true, "203.0.113.9", null).ShouldBe(CodeSendRefusal.ClientLimit);
        limiter.TryAcquire("+447700900299", true, "203.0.113.10", null).ShouldBeNull();
        _clock.Advance(TimeSpan.FromHours(1));
        limiter.TryAcquire("+447700900298", true, "203.0.113.9", null).ShouldBeNull();
    }

    [Fact]
    public void A_refused_code_is_not_counted()
    {
        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquire($"+4477009002{i:D2}", true, "203.0.113.9", null);
        }

        for (var i = 0; i < 10; i++)
        {
            limiter.TryAcquire(Jane, true, "203.0.113.9", null).ShouldBe(CodeSendRefusal.ClientLimit);
        }

        limiter.TryAcquire(Jane, true, "198.51.100.7", null).ShouldBeNull();
    }

    [Fact]
    public void An_ipv6_client_counts_by_its_64_prefix_and_a_mapped_ipv4_as_ipv4()
    {
        CodeSendLimiter.ClientKey("2001:db8:1:2:aaaa::1", null).ShouldBe(CodeSendLimiter.ClientKey("2001:db8:1:2:bbbb::99", null));
        CodeSendLimiter.ClientKey("2001:db8:1:3::1", null).ShouldNotBe(CodeSendLimiter.ClientKey("2001:db8:1:2::1", null));
        CodeSendLimiter.ClientKey("::ffff:203.0.113.9", null).ShouldBe(CodeSendLimiter.ClientKey("203.0.113.9", null));
    }

    [Fact]
    public void By_sms_the_sender_is_the_client_and_without_either_no_client_limit_applies()
    {
        CodeSendLimiter.ClientKey(null, "+447700900555").ShouldBe("sender:+447700900555");
        CodeSendLimiter.ClientKey(null, null).ShouldBeNull();

        var limiter = Limiter();
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquire($"+4477009003{i:D2}", true, null, "+447700900555").ShouldBeNull();
        }

        limiter.TryAcquire("+447700900399", true, null, "+447700900555").ShouldBe(CodeSendRefusal.ClientLimit);
        limiter.TryAcquire("+447700900399", true, null, null).ShouldBeNull();
    }
}
