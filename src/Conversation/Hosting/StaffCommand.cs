using PatientContact.Inbox.Staff.Accounts;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// <c>dotnet run --project src/Conversation -- add-staff --service riverside-gp --email someone@example.org</c>:
/// creates a local staff account in the configured store. The password is never an argument (arguments
/// show in <c>ps</c> and shell history): it is typed at a hidden prompt, or read from the first line of
/// standard input with <c>--password-stdin</c> (or whenever input is redirected).
/// </summary>
public static class StaffCommand
{
    public const string Usage =
        "Usage: add-staff --email <address> --service <service id> [--service <another>] [--name \"Full Name\"] [--administrator] [--password-stdin]";

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
