using PatientContact.Inbox.Staff.Accounts;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// <c>dotnet run --project src/Conversation -- add-staff --service riverside-gp --email someone@example.org</c>:
/// creates a local staff account in the configured store. The password is never an argument (arguments
/// show in <c>ps</c> and shell history): it is typed at a hidden prompt, or read from the first line of
/// standard input with <c>--password-stdin</c> (or whenever input is redirected).
/// <c>-- staff remove|disable|enable|unlock|add-service|remove-service --email someone@example.org [--service id]</c>
/// changes an existing account (see <see cref="StaffAccountChanges"/>).
/// </summary>
public static class StaffCommand
{
    public const string Usage =
        "Usage: add-staff --email <address> --service <service id> [--service <another>] [--name \"Full Name\"] [--administrator] [--password-stdin]";

    public const string ChangeUsage =
        "Usage: staff remove|disable|enable|unlock --email <address>\n       staff add-service|remove-service --email <address> --service <service id>";

    /// <summary>The <c>staff</c> verbs: 0 when the account was changed, 1 when refused (nothing changed), 2 for bad usage.</summary>
    public static async Task<int> RunChangeAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        string? email = null, serviceId = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length:
                    email = args[++i];
                    break;
                case "--service" when i + 1 < args.Length:
                    serviceId = args[++i];
                    break;
                default:
                    await error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'.");
                    await error.WriteLineAsync(ChangeUsage);
                    return 2;
            }
        }

        var verb = args.ElementAtOrDefault(0);
        var needsService = verb is "add-service" or "remove-service";
        if (email is null || verb is not ("remove" or "disable" or "enable" or "unlock" or "add-service" or "remove-service") || needsService != (serviceId is not null))
        {
            await error.WriteLineAsync(ChangeUsage);
            return 2;
        }

        const string actor = "staff command";
        var changes = services.GetRequiredService<StaffAccountChanges>();
        var result = verb switch
        {
            "remove" => await changes.RemoveAsync(email, actor, cancellationToken),
            "disable" => await changes.DisableAsync(email, actor, cancellationToken),
            "enable" => await changes.EnableAsync(email, actor, cancellationToken),
            "unlock" => await changes.UnlockAsync(email, actor, cancellationToken),
            "add-service" => await changes.AddServiceAsync(email, serviceId!, actor, cancellationToken),
            _ => await changes.RemoveServiceAsync(email, serviceId!, actor, cancellationToken),
        };
        if (!result.Changed)
        {
            await error.WriteLineAsync(result.Message);
            await error.WriteLineAsync("Nothing was changed.");
            return 1;
        }

        await output.WriteLineAsync(result.Message);
        return 0;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);

        string? email = null, name = null;
        var serviceIds = new List<string>();
        bool administrator = false, passwordFromInput = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length:
                    email = args[++i];
                    break;
                case "--service" when i + 1 < args.Length:
                    serviceIds.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--name" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--administrator":
                    administrator = true;
                    break;
                case "--password-stdin":
                    passwordFromInput = true;
                    break;
                case "--password":
                    await error.WriteLineAsync("The password is never given as an argument (it would show in ps and shell history). Type it when asked, or pipe it with --password-stdin.");
                    return 2;
                default:
                    await error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'.");
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if (email is null || serviceIds.Count == 0)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        string? password;
        if (passwordFromInput || Console.IsInputRedirected || !ReferenceEquals(input, Console.In))
        {
            password = await input.ReadLineAsync(cancellationToken);
        }
        else
        {
            password = ReadHidden(output, "Password: ");
            var again = ReadHidden(output, "Password again: ");
            if (password != again)
            {
                await error.WriteLineAsync("The two passwords are not the same. Nothing was created.");
                return 1;
            }
        }

        var creator = services.GetRequiredService<StaffAccountCreator>();
        var result = await creator.CreateAsync(email, serviceIds, password ?? "", name, administrator, cancellationToken: cancellationToken);
        if (!result.Created)
        {
            foreach (var problem in result.Problems)
            {
                await error.WriteLineAsync(problem);
            }

            await error.WriteLineAsync("Nothing was created.");
            return 1;
        }

        var account = result.Account!;
        await output.WriteLineAsync($"Created staff account {account.Email} for {string.Join(", ", account.ServiceIds)}{(account.IsAdministrator ? ", administrator" : "")}.");
        return 0;
    }

    private static string ReadHidden(TextWriter output, string prompt)
    {
        output.Write(prompt);
        output.Flush();
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                output.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
