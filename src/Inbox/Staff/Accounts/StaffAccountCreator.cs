using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Accounts;

/// <summary>What creating an account came to: the account, or the reasons it was refused.</summary>
public sealed record CreateAccountResult(StaffAccount? Account, IReadOnlyList<string> Problems)
{
    public bool Created => Account is not null;
}

/// <summary>Creates local staff accounts (the <c>add-staff</c> command, the Development demo accounts), checking every input first.</summary>
public sealed class StaffAccountCreator(
    IStaffAccountStore accounts,
    StaffPasswords passwords,
    IRuleBookProvider rules,
    StaffAudit audit,
    TimeProvider time)
{
    public async Task<CreateAccountResult> CreateAsync(
        string email,
        IReadOnlyCollection<string> serviceIds,
        string password,
        string? displayName = null,
        bool isAdministrator = false,
        string createdBy = "add-staff",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var problems = new List<string>();
        if (!StaffEmail.LooksValid(email))
        {
            problems.Add("Give the email as a single address, like someone@example.org.");
        }

        var book = rules.Current;
        var services = new List<string>();
        if (serviceIds.Count == 0)
        {
            problems.Add("Give at least one service the person works for (--service <id>).");
        }

        foreach (var id in serviceIds)
        {
            var service = book.FindService(id.Trim());
            if (service is null)
            {
                problems.Add($"There is no service '{id}'. Services: {string.Join(", ", book.Services.Select(s => s.Id))}.");
            }
            else if (!services.Contains(service.Id, StringComparer.Ordinal))
            {
                services.Add(service.Id);
            }
        }

        if (StaffPasswords.Problem(password) is { } passwordProblem)
        {
            problems.Add(passwordProblem);
        }

        if (displayName is { Length: > 100 })
        {
            problems.Add("The name must be 100 characters or fewer.");
        }

        if (problems.Count > 0)
        {
            return new CreateAccountResult(null, problems);
        }

        var normalized = StaffEmail.Normalize(email);
        var account = new StaffAccount
        {
            Email = normalized,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? normalized : displayName.Trim(),
            ServiceIds = services,
            IsAdministrator = isAdministrator,
            CreatedAt = time.GetUtcNow(),
        };
        account = account with { PasswordHash = passwords.Hash(account, password) };

        var line = audit.Entry(createdBy, AuditActions.AccountCreated, detail: $"{normalized} for {string.Join(", ", services)}{(isAdministrator ? " (administrator)" : "")}");
        if (await accounts.AddAsync(account, line, cancellationToken) == AddResult.AlreadyExists)
        {
            return new CreateAccountResult(null, ["A staff account with that email already exists."]);
        }

        return new CreateAccountResult(account, []);
    }
}
