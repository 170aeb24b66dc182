using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using PatientContact.Conversation.Hosting;
using PatientContact.EndToEnd.Tests.Support;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary><c>add-staff</c>: the account it makes signs in to the running service; bad input makes nothing.</summary>
public sealed class StaffCommandTests(InboxHostFixture fixture) : IClassFixture<InboxHostFixture>
{
    private ServiceHost Host => fixture.Host;

    private async Task<(int Exit, string Output, string Error)> RunAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await StaffCommand.RunAsync(Host.Services, args, new StringReader(input), output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Account_made_with_the_password_from_standard_input_signs_in_and_sees_its_services()
    {
        var email = $"new-{Guid.NewGuid():N}@riverside.example";
        var reference = await SubmitAsync(Host, "northside-community");

        var (exit, output, _) = await RunAsync("a long enough password\n", "--service", "riverside-gp", "--service", "northside-community", "--email", email, "--name", "New Starter", "--password-stdin");

        exit.ShouldBe(0);
        output.ShouldContain($"Created staff account {email} for riverside-gp, northside-community.");
        output.ShouldNotContain("a long enough password");
        using var staff = await StaffClient.SignInAsync(Host, email, "a long enough password");
        (await staff.Http.GetAsync($"/inbox/requests/{reference}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Command_run_as_its_own_process_reads_the_password_from_a_pipe()
    {
        var email = $"piped-{Guid.NewGuid():N}@riverside.example";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "PatientContact.Conversation.dll", "add-staff", "--service", "riverside-gp", "--email", email })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Storage__Sqlite__Path"] = Path.Combine(Host.DataDirectory, "patientcontact.db");
        start.Environment["Rules__Directory"] = RepoPaths.Rules;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("piped in from a file");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await process.StandardOutput.ReadToEndAsync();

        process.ExitCode.ShouldBe(0, await process.StandardError.ReadToEndAsync());
        output.ShouldContain($"Created staff account {email} for riverside-gp.");
        using var staff = await StaffClient.SignInAsync(Host, email, "piped in from a file");
    }

    [Theory]
    [InlineData("a long enough password\n", "--email", "x@riverside.example", "--service", "no-such-service", "There is no service 'no-such-service'")]
    [InlineData("short\n", "--email", "y@riverside.example", "--service", "riverside-gp", "at least 12 characters")]
    [InlineData("a long enough password\n", "--email", "not an email", "--service", "riverside-gp", "single address")]
    [InlineData("", "--email", "z@riverside.example", "--service", "riverside-gp", "Enter a password")]
    public async Task Bad_input_is_refused_with_a_reason_and_nothing_is_made(string input, string a1, string email, string a3, string service, string reason)
    {
        var (exit, _, error) = await RunAsync(input, a1, email, a3, service, "--password-stdin");

        exit.ShouldBe(1);
        error.ShouldContain(reason);
        error.ShouldContain("Nothing was created.");
        (await StaffClient.Anonymous(Host).TrySignInAsync(email, "a long enough password")).StatusCode.ShouldNotBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Password_is_never_taken_as_an_argument()
    {
        var (exit, _, error) = await RunAsync("", "--email", "p@riverside.example", "--service", "riverside-gp", "--password", "visible-in-ps");

        exit.ShouldBe(2);
        error.ShouldContain("never given as an argument");
    }

    [Fact]
    public async Task Existing_email_is_refused()
    {
        var (exit, _, error) = await RunAsync("a long enough password\n", "--email", RiversideStaff, "--service", "riverside-gp");

        exit.ShouldBe(1);
        error.ShouldContain("already exists");
        using var demo = await StaffClient.SignInAsync(Host, RiversideStaff);
    }

    [Fact]
    public async Task Missing_options_print_the_usage()
    {
        var (exit, _, error) = await RunAsync("", "--email", "q@riverside.example");

        exit.ShouldBe(2);
        error.ShouldContain("Usage: add-staff");
    }

    private async Task<(int Exit, string Output, string Error)> ChangeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await StaffCommand.RunChangeAsync(Host.Services, args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> NewStaffAsync(params string[] services)
    {
        var email = $"change-{Guid.NewGuid():N}@riverside.example";
        await AddStaffAsync(Host, email, services);
        return email;
    }

    /// <summary>A loopback address of its own, so this test's wrong tries slow no other test's sign-ins.</summary>
    private static IPAddress OwnAddress() => new([127, 0, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);

    [Fact]
    public async Task Disable_ends_the_persons_sessions_and_refuses_sign_in_like_a_wrong_password_until_enable()
    {
        var email = await NewStaffAsync("riverside-gp");
        using var staff = await StaffClient.SignInAsync(Host, email);

        var (exit, output, _) = await ChangeAsync("disable", "--email", email);

        exit.ShouldBe(0);
        output.ShouldContain($"Disabled {email}");
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var refused = await StaffClient.Anonymous(Host, OwnAddress()).TrySignInAsync(email, DemoPassword);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Enter a correct email address and password.");

        (await ChangeAsync("enable", "--email", email)).Exit.ShouldBe(0);
        using var again = await StaffClient.SignInAsync(Host, email);
        (await again.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Remove_deletes_the_account_and_its_open_session_stops_at_once()
    {
        var email = await NewStaffAsync("riverside-gp");
        using var staff = await StaffClient.SignInAsync(Host, email);

        var (exit, output, _) = await ChangeAsync("remove", "--email", email);

        exit.ShouldBe(0);
        output.ShouldContain($"Removed staff account {email}");
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await StaffClient.Anonymous(Host, OwnAddress()).TrySignInAsync(email, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var again = await ChangeAsync("remove", "--email", email);
        again.Exit.ShouldBe(1);
        again.Error.ShouldContain($"There is no staff account {email}.");
        (await AuditAsync(Host, actor: "staff command")).ShouldContain(a => a.Action == PatientContact.Inbox.Staff.AuditActions.AccountRemoved && a.Detail == email);
    }

    [Fact]
    public async Task Unlock_clears_the_wait_after_wrong_passwords_so_the_next_sign_in_is_checked_at_once()
    {
        var email = await NewStaffAsync("riverside-gp");
        var from = OwnAddress();
        using var browser = StaffClient.Anonymous(Host, from);
        for (var i = 0; i < 5; i++)
        {
            await browser.TrySignInAsync(email, "wrong password " + i);
        }

        var store = Host.Services.GetRequiredService<PatientContact.Inbox.Storage.IStaffAccountStore>();
        (await store.GetAsync(email))!.LockedUntil.ShouldNotBeNull();

        (await ChangeAsync("unlock", "--email", email)).Exit.ShouldBe(0);

        var unlocked = (await store.GetAsync(email))!;
        unlocked.LockedUntil.ShouldBeNull();
        unlocked.FailedSignIns.ShouldBe(0);

        (await browser.TrySignInAsync(email, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Add_and_remove_service_change_what_the_open_session_reads()
    {
        var email = await NewStaffAsync("riverside-gp");
        var northside = await SubmitAsync(Host, "northside-community");
        using var staff = await StaffClient.SignInAsync(Host, email);
        (await staff.Http.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var added = await ChangeAsync("add-service", "--email", email, "--service", "northside-community");
        added.Exit.ShouldBe(0);
        added.Output.ShouldContain($"{email} now works for riverside-gp, northside-community.");
        (await staff.Http.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await ChangeAsync("remove-service", "--email", email, "--service", "northside-community")).Exit.ShouldBe(0);
        (await staff.Http.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await staff.Http.GetAsync("/api/inbox/requests")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("add-service", "no-such-service", "There is no service 'no-such-service'")]
    [InlineData("remove-service", "riverside-gp", "is the only service of")]
    [InlineData("remove-service", "northside-community", "does not work for northside-community")]
    public async Task Refused_service_changes_say_why_and_change_nothing(string verb, string service, string reason)
    {
        var email = await NewStaffAsync("riverside-gp");
        var before = await Host.Services.GetRequiredService<PatientContact.Inbox.Storage.IStaffAccountStore>().GetAsync(email);

        var (exit, _, error) = await ChangeAsync(verb, "--email", email, "--service", service);

        exit.ShouldBe(1);
        error.ShouldContain(reason);
        error.ShouldContain("Nothing was changed.");
        (await Host.Services.GetRequiredService<PatientContact.Inbox.Storage.IStaffAccountStore>().GetAsync(email))!.Version.ShouldBe(before!.Version);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("add-service", "--email", "a@riverside.example")]
    [InlineData("lock", "--email", "a@riverside.example")]
    public async Task Incomplete_staff_commands_print_the_usage(params string[] args)
    {
        var (exit, _, error) = await ChangeAsync(args);

        exit.ShouldBe(2);
        error.ShouldContain("Usage: staff remove|disable|enable|unlock");
    }

    [Fact]
    public async Task A_service_removed_from_the_account_in_the_store_stops_the_same_cookie_reading_it_within_seconds()
    {
        var email = await NewStaffAsync("riverside-gp", "northside-community");
        var northside = await SubmitAsync(Host, "northside-community");
        var riverside = await SubmitAsync(Host, "riverside-gp");
        using var staff = await StaffClient.SignInAsync(Host, email);
        (await staff.Http.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.Http.GetAsync($"/api/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // As another host (or an administrator's tool) would: straight into the store, nothing said to this host.
        var store = Host.Services.GetRequiredService<PatientContact.Inbox.Storage.IStaffAccountStore>();
        var account = (await store.GetAsync(email))!;
        (await store.TryUpdateAsync(account with { ServiceIds = ["riverside-gp"], Version = account.Version + 1 })).ShouldBeTrue();

        // Staff:AccountRecheck is 5 seconds: the session reads the account again within that.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await staff.Http.GetAsync($"/api/inbox/requests/{northside}")).StatusCode == HttpStatusCode.OK)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), "the session still reads the removed service");
            await Task.Delay(250);
        }

        (await staff.Http.GetAsync($"/api/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await staff.Http.GetAsync($"/inbox/requests/{northside}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await staff.Http.GetAsync($"/inbox/requests/{riverside}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await staff.Http.GetAsync("/api/inbox/requests")).Content.ReadAsStringAsync()).ShouldNotContain(northside);
    }
}
