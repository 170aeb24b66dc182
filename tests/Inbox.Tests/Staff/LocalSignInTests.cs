using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Tests.Staff.Support;

namespace PatientContact.Inbox.Tests.Staff;

public sealed class LocalSignInTests : IDisposable
{
    private const string Email = "alice@riverside.example";
    private readonly StaffHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Right_password_signs_in_with_the_accounts_services_in_any_case_of_email()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp", "northside-community");

        var result = await _harness.SignIn.SignInAsync("  ALICE@Riverside.example ", StaffHarness.Password);

        result.Outcome.ShouldBe(SignInOutcome.SignedIn);
        result.Member!.Email.ShouldBe(Email);
        result.Member.ServiceIds.ShouldBe(["riverside-gp", "northside-community"]);
        result.Member.IsAdministrator.ShouldBeFalse();
        (await _harness.Accounts.GetAsync(Email))!.LastSignedInAt.ShouldBe(_harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Sign_ins_are_audited_without_the_password()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        await _harness.SignIn.SignInAsync(Email, "not the password at all");
        await _harness.SignIn.SignInAsync(Email, StaffHarness.Password);

        var audit = (await _harness.AuditAsync()).Where(a => a.Action.StartsWith("staff.sign", StringComparison.Ordinal)).ToList();
        audit.Select(a => (a.Actor, a.Action, a.Detail)).ShouldBe([
            (Email, AuditActions.SignInFailed, "wrong password"),
            (Email, AuditActions.SignedIn, "password"),
        ]);
        (await _harness.AuditAsync()).ShouldAllBe(a => !(a.Detail ?? "").Contains("not the password") && !(a.Detail ?? "").Contains(StaffHarness.Password));
    }

    [Fact]
    public async Task Administrator_comes_from_the_account_flag_or_the_setting()
    {
        using var harness = new StaffHarness(new StaffOptions { Administrators = ["Boss@Riverside.example"] });
        await harness.AddStaffAsync("boss@riverside.example", "riverside-gp");
        await harness.Creator.CreateAsync("flagged@riverside.example", ["riverside-gp"], StaffHarness.Password, isAdministrator: true);
        await harness.AddStaffAsync(Email, "riverside-gp");

        (await harness.SignIn.SignInAsync("boss@riverside.example", StaffHarness.Password)).Member!.IsAdministrator.ShouldBeTrue();
        (await harness.SignIn.SignInAsync("flagged@riverside.example", StaffHarness.Password)).Member!.IsAdministrator.ShouldBeTrue();
        (await harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Member!.IsAdministrator.ShouldBeFalse();
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        var outcomes = new List<SignInOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add((await _harness.SignIn.SignInAsync(Email, $"wrong password {i}")).Outcome);
        }

        outcomes.ShouldBe([SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.LockedOut]);
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.LockedOut);
        (await _harness.AuditAsync()).Count(a => a.Action == AuditActions.LockedOut).ShouldBe(1);
    }

    [Fact]
    public async Task Lock_ends_after_fifteen_minutes()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        for (var i = 0; i < 5; i++)
        {
            await _harness.SignIn.SignInAsync(Email, "wrong password");
        }

        _harness.Clock.Advance(TimeSpan.FromMinutes(14));
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.LockedOut);

        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task Wrong_passwords_spread_over_more_than_the_window_do_not_lock()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        for (var i = 0; i < 8; i++)
        {
            (await _harness.SignIn.SignInAsync(Email, "wrong password")).Outcome.ShouldBe(SignInOutcome.Refused);
            _harness.Clock.Advance(TimeSpan.FromMinutes(4));
        }

        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task A_right_password_clears_earlier_wrong_ones()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        for (var i = 0; i < 4; i++)
        {
            await _harness.SignIn.SignInAsync(Email, "wrong password");
        }

        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);

        (await _harness.SignIn.SignInAsync(Email, "wrong password")).Outcome.ShouldBe(SignInOutcome.Refused);
        (await _harness.Accounts.GetAsync(Email))!.FailedSignIns.ShouldBe(1);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_are_all_counted()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => _harness.SignIn.SignInAsync(Email, "wrong password"))));

        outcomes.Count(o => o.Outcome == SignInOutcome.LockedOut).ShouldBe(1);
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.LockedOut);
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_answers_as_an_account_and_is_not_recorded()
    {
        var outcomes = new List<SignInOutcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add((await _harness.SignIn.SignInAsync("nobody@riverside.example", "some password")).Outcome);
        }

        outcomes.ShouldBe([SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.Refused, SignInOutcome.LockedOut, SignInOutcome.LockedOut]);
        var audit = await _harness.AuditAsync();
        audit.Count.ShouldBe(6);
        audit.ShouldAllBe(a => a.Actor == AuditActions.UnknownAccount && a.Action == AuditActions.SignInFailed);
        audit.ShouldAllBe(a => !(a.Detail ?? "").Contains("nobody"));
    }

    [Fact]
    public async Task Single_sign_on_account_cannot_sign_in_with_a_password()
    {
        await _harness.Accounts.AddAsync(new Inbox.Storage.StaffAccount
        {
            Email = Email,
            DisplayName = "Alice",
            ServiceIds = ["riverside-gp"],
            CreatedAt = _harness.Clock.GetUtcNow(),
        });

        (await _harness.SignIn.SignInAsync(Email, "")).Outcome.ShouldBe(SignInOutcome.Refused);
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.Refused);
    }
}
