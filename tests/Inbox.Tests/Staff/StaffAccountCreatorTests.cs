using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Tests.Staff.Support;

namespace PatientContact.Inbox.Tests.Staff;

public sealed class StaffAccountCreatorTests : IDisposable
{
    private readonly StaffHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Account_is_stored_with_a_password_hash_never_the_password_and_audited()
    {
        var result = await _harness.Creator.CreateAsync(" Alice@Riverside.example ", ["riverside-gp", "RIVERSIDE-GP", "northside-community"], StaffHarness.Password, "Alice Example");

        result.Created.ShouldBeTrue();
        var stored = await _harness.Accounts.GetAsync("alice@riverside.example");
        stored!.Email.ShouldBe("alice@riverside.example");
        stored.DisplayName.ShouldBe("Alice Example");
        stored.ServiceIds.ShouldBe(["riverside-gp", "northside-community"]);
        stored.PasswordHash.ShouldNotBeNullOrEmpty();
        stored.PasswordHash.ShouldNotContain(StaffHarness.Password);
        var entry = (await _harness.AuditAsync()).Single();
        entry.Action.ShouldBe(AuditActions.AccountCreated);
        entry.Detail!.ShouldNotContain(StaffHarness.Password);
    }

    [Theory]
    [InlineData("not-an-email", "riverside-gp", StaffHarness.Password, "email")]
    [InlineData("alice@riverside.example", "no-such-service", StaffHarness.Password, "no-such-service")]
    [InlineData("alice@riverside.example", "riverside-gp", "short", "at least 12")]
    [InlineData("alice@riverside.example", "riverside-gp", "aaaaaaaaaaaaaaaa", "repeat")]
    [InlineData("alice@riverside.example", "riverside-gp", "", "Enter a password")]
    public async Task Bad_input_is_refused_with_the_reason_and_nothing_is_stored(string email, string service, string password, string reason)
    {
        var result = await _harness.Creator.CreateAsync(email, [service], password);

        result.Created.ShouldBeFalse();
        string.Join(" ", result.Problems).ShouldContain(reason);
        (await _harness.Accounts.GetAsync(email)).ShouldBeNull();
        (await _harness.AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Second_account_with_the_same_email_is_refused()
    {
        await _harness.AddStaffAsync("alice@riverside.example", "riverside-gp");

        var result = await _harness.Creator.CreateAsync("ALICE@riverside.example", ["northside-community"], StaffHarness.Password);

        result.Problems.ShouldBe(["A staff account with that email already exists."]);
        (await _harness.Accounts.GetAsync("alice@riverside.example"))!.ServiceIds.ShouldBe(["riverside-gp"]);
    }

    [Fact]
    public async Task At_least_one_service_is_needed()
    {
        var result = await _harness.Creator.CreateAsync("alice@riverside.example", [], StaffHarness.Password);

        result.Created.ShouldBeFalse();
        string.Join(" ", result.Problems).ShouldContain("--service");
    }
}
