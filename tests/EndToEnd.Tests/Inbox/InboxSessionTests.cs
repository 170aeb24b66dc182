using System.Net;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>Sign-in over HTTP with a controlled clock: the growing delay after wrong passwords (per email and per address), answers that do not tell which emails have accounts, the idle and absolute session lifetimes, the account re-read on every request, and signing out.</summary>
public sealed class InboxSessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings(), time: _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Owner = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task Wrong_passwords_past_five_delay_the_next_try_and_the_right_password_works_after_the_wait()
    {
        using var browser = StaffClient.Anonymous(_host);
        for (var i = 0; i < 4; i++)
        {
            var wrong = await browser.TrySignInAsync(RiversideStaff, "not the password " + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await wrong.Content.ReadAsStringAsync()).ShouldContain("Enter a correct email address and password.");
            wrong.Headers.RetryAfter.ShouldBeNull();
        }

        var fifth = await browser.TrySignInAsync(RiversideStaff, "not the password 5");
        fifth.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fifth.Content.ReadAsStringAsync()).ShouldContain("Too many wrong tries: wait 1 second before the next one.");
        var right = await browser.TrySignInAsync(RiversideStaff, DemoPassword);
        right.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        right.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        (await right.Content.ReadAsStringAsync()).ShouldContain("Too many wrong tries. Wait 1 second, then try again.");
        (await browser.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        _clock.Advance(TimeSpan.FromSeconds(1));
        (await browser.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await browser.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var trail = await AuditAsync(_host, actor: RiversideStaff);
        trail.Count(a => a.Action == AuditActions.SignInFailed).ShouldBe(6);
        trail.Count(a => a.Action == AuditActions.LockedOut).ShouldBe(1);
        trail.ShouldAllBe(a => !(a.Detail ?? "").Contains("not the password") && !(a.Detail ?? "").Contains(DemoPassword));
    }

    [Fact]
    public async Task A_stranger_guessing_cannot_keep_the_owner_out_for_more_than_a_minute()
    {
        using var stranger = StaffClient.Anonymous(_host, Stranger);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            // The stranger waits out each delay and guesses again the moment it ends.
            _clock.Advance(waits.LastOrDefault());
            var wrong = await stranger.TrySignInAsync(RiversideStaff, "guess " + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            waits.Add(wrong.Headers.RetryAfter?.Delta ?? TimeSpan.Zero);
        }

        waits.Select(w => w.TotalSeconds).ShouldBe([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60], "after five, the email's wait doubles up to a minute");

        // The owner, at their own computer, right after the stranger's latest guess.
        using var owner = StaffClient.Anonymous(_host, Owner);
        var first = await owner.TrySignInAsync(RiversideStaff, DemoPassword);
        first.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        first.Headers.RetryAfter!.Delta!.Value.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        _clock.Advance(first.Headers.RetryAfter.Delta.Value);
        (await owner.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await owner.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Many_wrong_passwords_from_one_address_delay_that_address_and_no_other()
    {
        using var stranger = StaffClient.Anonymous(_host, Stranger);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 20; i++)
        {
            last = await stranger.TrySignInAsync($"someone{i}@riverside.example", "guess");
        }

        last.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1), "twenty wrong tries from one address, each for another email");
        var fromThere = await stranger.TrySignInAsync(RiversideStaff, DemoPassword);
        fromThere.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await fromThere.Content.ReadAsStringAsync()).ShouldContain("Too many wrong tries. Wait 1 second, then try again.");

        using var owner = StaffClient.Anonymous(_host, Owner);
        (await owner.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Unknown_email_is_answered_like_a_real_one_and_recorded_without_the_email()
    {
        async Task<List<(HttpStatusCode, TimeSpan?, string)>> TriesAsync(string email, IPAddress from)
        {
            using var browser = StaffClient.Anonymous(_host, from);
            var answers = new List<(HttpStatusCode, TimeSpan?, string)>();
            for (var i = 0; i < 7; i++)
            {
                var answer = await browser.TrySignInAsync(email, "whatever password");
                var page = await answer.Content.ReadAsStringAsync();
                answers.Add((answer.StatusCode, answer.Headers.RetryAfter?.Delta, System.Text.RegularExpressions.Regex.Match(page, "(Enter a correct[^<]*|Too many[^<]*)").Value));
            }

            return answers;
        }

        var unknown = await TriesAsync("nobody@riverside.example", Stranger);
        var real = await TriesAsync(NorthsideStaff, Owner);

        unknown.ShouldBe(real);
        unknown[0].Item3.ShouldBe("Enter a correct email address and password.");
        unknown[5].Item1.ShouldBe(HttpStatusCode.TooManyRequests);
        (await AuditAsync(_host, actor: AuditActions.UnknownAccount)).Count.ShouldBe(7);
        (await AuditAsync(_host)).ShouldAllBe(a => !a.Actor.Contains("nobody") && !(a.Detail ?? "").Contains("nobody"));
    }

    [Fact]
    public async Task Unknown_and_delayed_emails_take_as_long_to_answer_as_a_wrong_password()
    {
        using var browser = StaffClient.Anonymous(_host, Owner);
        async Task<double> TimeAsync(string email, int i)
        {
            var token = await browser.TokenAsync("/inbox/login");
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await browser.Http.PostAsync("/inbox/login", StaffClient.Form(("email", email), ("password", "wrong " + i), ("__RequestVerificationToken", token)));
            return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Rounds of two answers back to back, Northside's account and an unknown email, in turn first: a busy
        // machine slows the two of a round alike, so their ratio holds where separate series of tries would not.
        var ratios = new List<(int Round, double UnknownToAccount)>();
        for (var i = 0; i < 9; i++)
        {
            double account, unknown;
            if (i % 2 == 0)
            {
                account = await TimeAsync(NorthsideStaff, i);
                unknown = await TimeAsync("nobody@riverside.example", i);
            }
            else
            {
                unknown = await TimeAsync("nobody@riverside.example", i);
                account = await TimeAsync(NorthsideStaff, i);
            }

            ratios.Add((i, unknown / account));
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        // Northside's first four tries are checked against its password hash; after five, its answers are delayed ones.
        var againstWrong = Median(ratios.Where(r => r.Round < 4).Select(r => r.UnknownToAccount));
        var againstDelayed = Median(ratios.Where(r => r.Round > 4).Select(r => r.UnknownToAccount));

        // A password hash is most of an answer's time: an answer without one would be several times quicker.
        var said = string.Join(", ", ratios.Select(r => r.UnknownToAccount.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        againstWrong.ShouldBeInRange(0.5, 2.0, $"unknown email against a wrong password, round by round: {said}");
        againstDelayed.ShouldBeInRange(0.5, 2.0, $"unknown email against a delayed account, round by round: {said}");
    }

    [Fact]
    public async Task Session_ends_after_thirty_idle_minutes_and_each_use_starts_the_time_again()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        _clock.Advance(TimeSpan.FromMinutes(20));
        (await staff.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.OK);
        _clock.Advance(TimeSpan.FromMinutes(25));
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);

        _clock.Advance(TimeSpan.FromMinutes(31));
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await staff.Http.GetAsync("/inbox");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.AbsolutePath.ShouldBe("/inbox/login");
    }

    [Fact]
    public async Task Session_ends_twelve_hours_after_signing_in_however_busy_it_is()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        // Used every 20 minutes for 11 hours 40 minutes, then once more at 11 hours 59 minutes.
        foreach (var step in Enumerable.Repeat(TimeSpan.FromMinutes(20), 35).Append(TimeSpan.FromMinutes(19)))
        {
            _clock.Advance(step);
            (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Two minutes later: not idle, but twelve hours after signing in.
        _clock.Advance(TimeSpan.FromMinutes(2));
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await staff.Http.GetAsync("/inbox")).Headers.Location!.AbsolutePath.ShouldBe("/inbox/login");
        using var again = await StaffClient.SignInAsync(_host, RiversideStaff);
        (await again.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_ends_every_session_of_that_person_copies_of_the_cookie_included()
    {
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);
        using var otherBrowser = await StaffClient.SignInAsync(_host, RiversideStaff);
        using var colleague = await StaffClient.SignInAsync(_host, NorthsideStaff);

        // A copy of the first browser's cookie, as someone could take from a shared computer.
        using var copy = StaffClient.Anonymous(_host);
        foreach (System.Net.Cookie cookie in staff.Cookies.GetAllCookies())
        {
            copy.Cookies.Add(cookie);
        }

        (await copy.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var token = await staff.SessionTokenAsync();
        var signOut = await staff.Http.PostAsync("/inbox/logout", StaffClient.Form(("__RequestVerificationToken", token)));
        signOut.StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        (await copy.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await copy.Http.GetAsync("/inbox")).Headers.Location!.AbsolutePath.ShouldBe("/inbox/login");
        (await otherBrowser.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "signing out ends the person's other sessions too");
        (await colleague.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK, "a colleague's session is their own");

        // Signing in again works as before.
        using var again = await StaffClient.SignInAsync(_host, RiversideStaff);
        (await again.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await copy.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the old copy stays dead after a new sign-in");
    }
}
