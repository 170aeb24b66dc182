using Microsoft.AspNetCore.Identity;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Accounts;

/// <summary>Password hashing (ASP.NET Core Identity's PBKDF2 format) and the rule a new password must meet.</summary>
public sealed class StaffPasswords
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    private readonly PasswordHasher<StaffAccount> _hasher = new();
    // Checked against when no account has the email, so an unknown email takes as long as a wrong password.
    private readonly string _decoyHash;

    public StaffPasswords()
    {
        _decoyHash = _hasher.HashPassword(Decoy, Guid.NewGuid().ToString("N"));
    }

    private static StaffAccount Decoy { get; } = new()
    {
        Email = "decoy@invalid.example",
        DisplayName = "decoy",
        ServiceIds = [],
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    public string Hash(StaffAccount account, string password) => _hasher.HashPassword(account, password);

    public PasswordVerificationResult Verify(StaffAccount account, string password) =>
        account.PasswordHash is null
            ? PasswordVerificationResult.Failed
            : _hasher.VerifyHashedPassword(account, account.PasswordHash, password);

    /// <summary>Spends the time a real check would, and fails.</summary>
    public void VerifyDecoy(string password) => _hasher.VerifyHashedPassword(Decoy, _decoyHash, password);

    /// <summary>Why a new password is refused, or null when it will do.</summary>
    public static string? Problem(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "Enter a password.";
        }

        if (password.Length < MinLength)
        {
            return $"The password must be at least {MinLength} characters long.";
        }

        if (password.Length > MaxLength)
        {
            return $"The password must be {MaxLength} characters or fewer.";
        }

        if (password.Distinct().Count() < 5)
        {
            return "The password must not repeat the same few characters.";
        }

        return null;
    }
}
