using System.Net;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>Sign-in over HTTP with a controlled clock: lockout after repeated wrong passwords, the 30-minute idle timeout, and signing out.</summary>
public sealed class InboxSessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings(), time: _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Five_wrong_passwords_lock_sign_in_for_fifteen_minutes_even_with_the_right_password()
    {
        using var browser = StaffClient.Anonymous(_host);
        for (var i = 0; i < 4; i++)
        {
            var wrong = await browser.TrySignInAsync(RiversideStaff, "not the password " + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await wrong.Content.ReadAsStringAsync()).ShouldContain("Enter a correct email address and password.");
        }

        var fifth = await browser.TrySignInAsync(RiversideStaff, "not the password 5");
        (await fifth.Content.ReadAsStringAsync()).ShouldContain("Too many wrong tries");
        var right = await browser.TrySignInAsync(RiversideStaff, DemoPassword);
        right.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await right.Content.ReadAsStringAsync()).ShouldContain("Try again in 15 minutes");
        (await browser.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        _clock.Advance(TimeSpan.FromMinutes(15));
        (await browser.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await browser.Http.GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var trail = await AuditAsync(_host, actor: RiversideStaff);
        trail.Count(a => a.Action == AuditActions.SignInFailed).ShouldBe(6);
        trail.Count(a => a.Action == AuditActions.LockedOut).ShouldBe(1);
        trail.ShouldAllBe(a => !(a.Detail ?? "").Contains("not the password") && !(a.Detail ?? "").Contains(DemoPassword));
    }

    [Fact]
    public async Task Unknown_email_is_answered_like_a_real_one_and_recorded_without_the_email()
    {
        using var browser = StaffClient.Anonymous(_host);
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await (await browser.TrySignInAsync("nobody@riverside.example", "whatever password")).Content.ReadAsStringAsync());
        }

        answers[0].ShouldContain("Enter a correct email address and password.");
        answers[4].ShouldContain("Too many wrong tries");
        (await AuditAsync(_host, actor: AuditActions.UnknownAccount)).Count.ShouldBe(5);
        (await AuditAsync(_host)).ShouldAllBe(a => !a.Actor.Contains("nobody") && !(a.Detail ?? "").Contains("nobody"));
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
