using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    /// <summary>An account with every field set, different from the defaults.</summary>
    protected static StaffAccount StaffAccount(string email = "alice@surgery-a.example", params string[] serviceIds) => new()
    {
        Email = email,
        DisplayName = "Alice Example",
        PasswordHash = "AQAAAAIAAYagAAAAEDummyHashForContractTestsOnly==",
        ServiceIds = serviceIds.Length == 0 ? ["surgery-a"] : serviceIds,
        IsAdministrator = true,
        CreatedAt = T0,
        LastSignedInAt = T0.AddMinutes(5),
        FailedSignIns = 2,
        FirstFailedSignInAt = T0.AddMinutes(1),
        LockedUntil = T0.AddMinutes(20),
        Disabled = true,
    };

    private static void ShouldBeSameAccount(StaffAccount? actual, StaffAccount expected)
    {
        actual.ShouldNotBeNull();
        actual.ServiceIds.ShouldBe(expected.ServiceIds);
        (actual with { ServiceIds = expected.ServiceIds }).ShouldBe(expected);
    }

    [Fact]
    public async Task Staff_account_reads_back_with_every_field()
    {
        var account = StaffAccount(serviceIds: ["surgery-a", "surgery-b"]);

        (await Stores.Staff.AddAsync(account)).ShouldBe(AddResult.Added);

        ShouldBeSameAccount(await Stores.Staff.GetAsync(account.Email), account);
    }

    [Fact]
    public async Task Staff_account_without_password_or_lockout_reads_back_with_nulls()
    {
        var account = StaffAccount() with { PasswordHash = null, LastSignedInAt = null, FirstFailedSignInAt = null, LockedUntil = null, FailedSignIns = 0, IsAdministrator = false, Disabled = false };
        await Stores.Staff.AddAsync(account);

        ShouldBeSameAccount(await Stores.Staff.GetAsync(account.Email), account);
    }

    [Fact]
    public async Task Staff_account_is_found_by_email_in_any_case()
    {
        var account = StaffAccount("Alice@Surgery-A.example");
        await Stores.Staff.AddAsync(account);

        ShouldBeSameAccount(await Stores.Staff.GetAsync("alice@surgery-a.EXAMPLE"), account);
        (await Stores.Staff.GetAsync("bob@surgery-a.example")).ShouldBeNull();
    }

    [Fact]
    public async Task Second_staff_account_with_the_same_email_in_another_case_is_refused_and_changes_nothing()
    {
        var first = StaffAccount("alice@surgery-a.example");
        await Stores.Staff.AddAsync(first);

        (await Stores.Staff.AddAsync(StaffAccount("ALICE@surgery-a.example", "surgery-b") with { DisplayName = "Impostor" })).ShouldBe(AddResult.AlreadyExists);

        ShouldBeSameAccount(await Stores.Staff.GetAsync("alice@surgery-a.example"), first);
    }

    [Fact]
    public async Task Staff_account_changes_with_their_audit_lines_store_both_and_a_refused_one_neither()
    {
        var admin = "admin@surgery-a.example";
        var account = StaffAccount();
        var created = new AuditEntry(T0, admin, "staff.account-created", null, null, "alice@surgery-a.example for surgery-a");
        (await Stores.Staff.AddAsync(account, created)).ShouldBe(AddResult.Added);
        // The same email again: refused, and no line for it.
        (await Stores.Staff.AddAsync(account with { DisplayName = "Impostor" }, created with { At = T0.AddMinutes(1) })).ShouldBe(AddResult.AlreadyExists);

        var added = account with { ServiceIds = ["surgery-a", "surgery-b"], Version = 2 };
        var serviceAdded = new AuditEntry(T0.AddMinutes(2), admin, "staff.service-added", "surgery-b", null, "alice@surgery-a.example");
        (await Stores.Staff.TryUpdateAsync(added, serviceAdded)).ShouldBeTrue();
        // The same version again (a change from the same read): refused, and no line for it.
        (await Stores.Staff.TryUpdateAsync(added with { Disabled = false }, serviceAdded with { Action = "staff.account-enabled" })).ShouldBeFalse();
        ShouldBeSameAccount(await Stores.Staff.GetAsync(account.Email), added);

        // An ordinary update between (a wrong password counted) keeps the lines, and the next audited one adds its own.
        var counted = added with { FailedSignIns = 3, Version = 3 };
        (await Stores.Staff.TryUpdateAsync(counted)).ShouldBeTrue();
        var unlocked = counted with { FailedSignIns = 0, LockedUntil = null, Version = 4 };
        var unlockedLine = new AuditEntry(T0.AddMinutes(3), admin, "staff.account-unlocked", null, null, "alice@surgery-a.example");
        (await Stores.Staff.TryUpdateAsync(unlocked, unlockedLine)).ShouldBeTrue();

        var removed = new AuditEntry(T0.AddMinutes(4), admin, "staff.account-removed", null, null, "alice@surgery-a.example");
        (await Stores.Staff.RemoveAsync("ALICE@surgery-a.example", removed)).ShouldBeTrue();
        (await Stores.Staff.RemoveAsync(account.Email, removed with { At = T0.AddMinutes(5) })).ShouldBeFalse();

        (await Stores.Staff.GetAsync(account.Email)).ShouldBeNull();
        (await Stores.Staff.ListForServiceAsync("surgery-a")).ShouldBeEmpty();
        (await Stores.Audit.QueryAsync(new AuditQuery { Actor = admin })).ShouldBe([created, serviceAdded, unlockedLine, removed]);

        // The email is free again, for a new account with its own line.
        var again = created with { At = T0.AddMinutes(6) };
        (await Stores.Staff.AddAsync(account with { Disabled = false }, again)).ShouldBe(AddResult.Added);
        (await Stores.Staff.GetAsync(account.Email))!.Disabled.ShouldBeFalse();
        (await Stores.Audit.QueryAsync(new AuditQuery { Actor = admin })).Count.ShouldBe(5);
    }

    [Fact]
    public async Task Staff_account_update_needs_the_next_version()
    {
        var account = StaffAccount();
        await Stores.Staff.AddAsync(account);

        (await Stores.Staff.TryUpdateAsync(account with { FailedSignIns = 3, Version = 3 })).ShouldBeFalse();
        (await Stores.Staff.TryUpdateAsync(account with { FailedSignIns = 3, Version = 1 })).ShouldBeFalse();
        var next = account with { FailedSignIns = 3, ServiceIds = ["surgery-b"], Version = 2 };
        (await Stores.Staff.TryUpdateAsync(next)).ShouldBeTrue();

        ShouldBeSameAccount(await Stores.Staff.GetAsync(account.Email), next);
    }

    [Fact]
    public async Task Update_of_a_staff_account_that_does_not_exist_changes_nothing()
    {
        (await Stores.Staff.TryUpdateAsync(StaffAccount() with { Version = 2 })).ShouldBeFalse();

        (await Stores.Staff.GetAsync("alice@surgery-a.example")).ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_staff_account_updates_from_one_version_let_exactly_one_win()
    {
        var account = StaffAccount();
        await Stores.Staff.AddAsync(account);

        var results = await RunConcurrently(8, i => Stores.Staff.TryUpdateAsync(account with { FailedSignIns = i, Version = 2 }));

        results.Count(won => won).ShouldBe(1);
        (await Stores.Staff.GetAsync(account.Email))!.FailedSignIns.ShouldBe(Array.IndexOf(results, true));
    }

    [Fact]
    public async Task Staff_of_a_service_are_listed_by_email_and_only_they()
    {
        await Stores.Staff.AddAsync(StaffAccount("carol@surgery-a.example", "surgery-a", "surgery-b"));
        await Stores.Staff.AddAsync(StaffAccount("alice@surgery-a.example", "surgery-a"));
        await Stores.Staff.AddAsync(StaffAccount("bob@surgery-b.example", "surgery-b"));
        await Stores.Staff.AddAsync(StaffAccount("dave@surgery-aa.example", "surgery-aa"));

        (await Stores.Staff.ListForServiceAsync("surgery-a")).Select(a => a.Email).ShouldBe(["alice@surgery-a.example", "carol@surgery-a.example"]);
        (await Stores.Staff.ListForServiceAsync("surgery-b")).Select(a => a.Email).ShouldBe(["bob@surgery-b.example", "carol@surgery-a.example"]);
        (await Stores.Staff.ListForServiceAsync("surgery-c")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Removed_staff_account_is_gone_and_others_stay()
    {
        await Stores.Staff.AddAsync(StaffAccount("alice@surgery-a.example"));
        await Stores.Staff.AddAsync(StaffAccount("bob@surgery-a.example"));

        (await Stores.Staff.RemoveAsync("ALICE@surgery-a.example")).ShouldBeTrue();
        (await Stores.Staff.RemoveAsync("alice@surgery-a.example")).ShouldBeFalse();

        (await Stores.Staff.GetAsync("alice@surgery-a.example")).ShouldBeNull();
        (await Stores.Staff.ListForServiceAsync("surgery-a")).Select(a => a.Email).ShouldBe(["bob@surgery-a.example"]);
        (await Stores.Staff.AddAsync(StaffAccount("alice@surgery-a.example"))).ShouldBe(AddResult.Added, "the email can be given an account again");
    }

    [Fact]
    public async Task Staff_accounts_survive_a_restart()
    {
        var account = StaffAccount();
        await Stores.Staff.AddAsync(account);

        var reopened = await ReopenStoresAsync();

        ShouldBeSameAccount(await reopened.Staff.GetAsync(account.Email), account);
    }
}
