using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Accounts;

/// <summary>
/// In Development only: makes sure each demo service has the account <c>staff@{serviceId}.example</c>
/// with the password <c>Demo:StaffPassword</c>, so a demo can sign in straight away.
/// </summary>
public sealed partial class DemoStaffSeeder(
    IServiceProvider services,
    IHostEnvironment environment,
    IOptions<DemoOptions> demo,
    ILogger<DemoStaffSeeder> logger) : IHostedService
{
    public static string EmailFor(string serviceId) => $"staff@{serviceId}.example";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            return;
        }

        var password = demo.Value.StaffPassword;
        if (string.IsNullOrEmpty(password))
        {
            LogNoPassword(logger);
            return;
        }

        // Resolved here, not in the constructor: the rules are loaded by a hosted service that starts first.
        var rules = services.GetRequiredService<IRuleBookProvider>();
        var accounts = services.GetRequiredService<IStaffAccountStore>();
        var passwords = services.GetRequiredService<StaffPasswords>();
        var creator = services.GetRequiredService<StaffAccountCreator>();

        try
        {
            await SeedAsync(rules, accounts, passwords, creator, password, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A store that cannot be reached must not stop the service starting: /health/ready says so.
            LogStoreUnavailable(logger, ex.GetType().Name);
        }
    }

    private async Task SeedAsync(IRuleBookProvider rules, IStaffAccountStore accounts, StaffPasswords passwords, StaffAccountCreator creator, string password, CancellationToken cancellationToken)
    {
        foreach (var service in rules.Current.Services)
        {
            var email = EmailFor(service.Id);
            var existing = await accounts.GetAsync(email, cancellationToken);
            if (existing is null)
            {
                var created = await creator.CreateAsync(email, [service.Id], password, $"Demo staff, {service.Name}", createdBy: "demo", cancellationToken: cancellationToken);
                if (!created.Created)
                {
                    LogNotSeeded(logger, service.Id, string.Join(" ", created.Problems));
                }
            }
            else if (passwords.Verify(existing, password) == Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed)
            {
                // The setting changed since the account was made: the demo account follows it.
                await accounts.TryUpdateAsync(existing with { PasswordHash = passwords.Hash(existing, password), Version = existing.Version + 1 }, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Demo staff accounts were not made: the store could not be used ({Error})")]
    private static partial void LogStoreUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Demo:StaffPassword is not set: no demo staff accounts were made")]
    private static partial void LogNoPassword(ILogger logger);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "The demo staff account of service {ServiceId} was not made: {Reason}")]
    private static partial void LogNotSeeded(ILogger logger, string serviceId, string reason);
}
