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

    private async Task<List<(SignInOutcome, double)>> WrongTriesAsync(string email, int count, string client = LocalSignIn.UnknownClient)
    {
        var answers = new List<(SignInOutcome, double)>();
        for (var i = 0; i < count; i++)
        {
            var result = await _harness.SignIn.SignInAsync(email, $"wrong password {i}", client);
            answers.Add((result.Outcome, result.RetryAfter.TotalSeconds));
        }

        return answers;
    }

    [Fact]
    public async Task After_five_wrong_passwords_the_next_try_waits_and_nothing_is_locked()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        (await WrongTriesAsync(Email, 5)).ShouldBe([(SignInOutcome.Refused, 0), (SignInOutcome.Refused, 0), (SignInOutcome.Refused, 0), (SignInOutcome.Refused, 0), (SignInOutcome.Refused, 1)]);
        var early = await _harness.SignIn.SignInAsync(Email, StaffHarness.Password);
        early.Outcome.ShouldBe(SignInOutcome.Delayed);
        early.RetryAfter.ShouldBe(TimeSpan.FromSeconds(1));
        (await _harness.AuditAsync()).Count(a => a.Action == AuditActions.LockedOut).ShouldBe(1);

        _harness.Clock.Advance(TimeSpan.FromSeconds(1));
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task Each_further_wrong_password_doubles_the_wait_up_to_a_minute()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        var waits = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var result = await _harness.SignIn.SignInAsync(Email, "wrong password", $"client-{i}");
            result.Outcome.ShouldBe(SignInOutcome.Refused);
            waits.Add(result.RetryAfter.TotalSeconds);
            _harness.Clock.Advance(result.RetryAfter);
        }

        waits.ShouldBe([0, 0, 0, 0, 1, 2, 4, 8, 16, 32]);
        var next = await _harness.SignIn.SignInAsync(Email, "wrong password", "client-10");
        next.RetryAfter.ShouldBe(TimeSpan.FromMinutes(1));
        _harness.Clock.Advance(TimeSpan.FromMinutes(1));
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password, "client-11")).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task Wrong_passwords_spread_over_more_than_the_window_are_never_delayed()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        for (var i = 0; i < 8; i++)
        {
            var result = await _harness.SignIn.SignInAsync(Email, "wrong password");
            result.Outcome.ShouldBe(SignInOutcome.Refused);
            result.RetryAfter.ShouldBe(TimeSpan.Zero);
            _harness.Clock.Advance(TimeSpan.FromMinutes(4));
        }

        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task A_right_password_clears_earlier_wrong_ones()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        await WrongTriesAsync(Email, 4);

        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.SignedIn);

        (await _harness.SignIn.SignInAsync(Email, "wrong password")).Outcome.ShouldBe(SignInOutcome.Refused);
        (await _harness.Accounts.GetAsync(Email))!.FailedSignIns.ShouldBe(1);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_are_all_counted()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => _harness.SignIn.SignInAsync(Email, "wrong password"))));

        (await _harness.Accounts.GetAsync(Email))!.FailedSignIns.ShouldBe(5);
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password)).Outcome.ShouldBe(SignInOutcome.Delayed);
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_answers_as_an_account_and_is_not_recorded()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");

        var unknown = await WrongTriesAsync("nobody@riverside.example", 7, "client-a");
        var real = await WrongTriesAsync(Email, 7, "client-b");

        unknown.ShouldBe(real);
        unknown[5].ShouldBe((SignInOutcome.Delayed, 1));
        var audit = (await _harness.AuditAsync()).Where(a => a.Actor == AuditActions.UnknownAccount).ToList();
        audit.Count.ShouldBe(7);
        audit.ShouldAllBe(a => a.Action == AuditActions.SignInFailed && !(a.Detail ?? "").Contains("nobody"));
    }

    [Fact]
    public async Task Disabled_account_is_answered_like_a_wrong_password_even_with_the_right_one()
    {
        var account = await _harness.AddStaffAsync(Email, "riverside-gp");
        (await _harness.Accounts.TryUpdateAsync(account with { Disabled = true, Version = account.Version + 1 })).ShouldBeTrue();

        var result = await _harness.SignIn.SignInAsync(Email, StaffHarness.Password);

        result.Outcome.ShouldBe(SignInOutcome.Refused);
        (await _harness.AuditAsync()).ShouldContain(a => a.Actor == Email && a.Detail == "account disabled");
    }

    [Fact]
    public async Task Twenty_wrong_tries_from_one_client_delay_that_client_for_every_email_and_no_other_client()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        for (var i = 0; i < 19; i++)
        {
            (await _harness.SignIn.SignInAsync($"guess{i}@riverside.example", "wrong", "ip:203.0.113.9")).RetryAfter.ShouldBe(TimeSpan.Zero);
        }

        (await _harness.SignIn.SignInAsync("guess19@riverside.example", "wrong", "ip:203.0.113.9")).RetryAfter.ShouldBe(TimeSpan.FromSeconds(1));
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password, "ip:203.0.113.9")).Outcome.ShouldBe(SignInOutcome.Delayed);
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password, "ip:198.51.100.7")).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task Wrong_tries_from_one_client_share_one_budget_across_two_hosts()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        var other = _harness.SecondHost();
        for (var i = 0; i < 19; i++)
        {
            var host = i % 2 == 0 ? _harness.SignIn : other;
            (await host.SignInAsync($"guess{i}@riverside.example", "wrong", "ip:203.0.113.9")).RetryAfter.ShouldBe(TimeSpan.Zero);
        }

        (await other.SignInAsync("guess19@riverside.example", "wrong", "ip:203.0.113.9")).RetryAfter.ShouldBe(TimeSpan.FromSeconds(1), "the 20th wrong try, counted with the first host's");
        (await _harness.SignIn.SignInAsync(Email, StaffHarness.Password, "ip:203.0.113.9")).Outcome.ShouldBe(SignInOutcome.Delayed);
        (await other.SignInAsync(Email, StaffHarness.Password, "ip:203.0.113.9")).Outcome.ShouldBe(SignInOutcome.Delayed);
        (await other.SignInAsync(Email, StaffHarness.Password, "ip:198.51.100.7")).Outcome.ShouldBe(SignInOutcome.SignedIn);
    }

    [Fact]
    public async Task Wrong_tries_for_an_unknown_email_share_one_schedule_across_two_hosts()
    {
        await _harness.AddStaffAsync(Email, "riverside-gp");
        var other = _harness.SecondHost();
        var hosts = new[] { _harness.SignIn, other, _harness.SignIn, other, _harness.SignIn, other, _harness.SignIn };
        var unknown = new List<(SignInOutcome, int)>();
        var real = new List<(SignInOutcome, int)>();
        for (var i = 0; i < hosts.Length; i++)
        {
            var a = await hosts[i].SignInAsync("nobody@riverside.example", "wrong", "client-a");
            var b = await hosts[i].SignInAsync(Email, "wrong", "client-b");
            unknown.Add((a.Outcome, (int)a.RetryAfter.TotalSeconds));
            real.Add((b.Outcome, (int)b.RetryAfter.TotalSeconds));
        }

        unknown.ShouldBe(real, "an email without an account is answered as an account is, whichever host answers");
        unknown[5].ShouldBe((SignInOutcome.Delayed, 1), "the sixth try waits, though the hosts took turns");
    }

    [Fact]
    public async Task The_shared_backoffs_hold_neither_the_email_nor_the_address()
    {
        await _harness.SignIn.SignInAsync("nobody@riverside.example", "wrong", "ip:203.0.113.9");

        await using var connection = await _harness.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM rate_backoffs;";
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        keys.Count.ShouldBe(2, "one for the email, one for the client");
        keys.ShouldAllBe(k => k.StartsWith("sign-in:") && !k.Contains("nobody") && !k.Contains("riverside") && !k.Contains("203.0.113"));
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
