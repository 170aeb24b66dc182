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
}
