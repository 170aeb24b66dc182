using System.Net.Mail;

namespace PatientContact.Inbox.Staff;

/// <summary>Staff emails: the one spelling accounts, claims and the audit trail use.</summary>
public static class StaffEmail
{
    public const int MaxLength = 254;

    /// <summary>Trimmed and lower-cased.</summary>
    public static string Normalize(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }

    /// <summary>A single plain address with a dot in its domain (no display name, no angle brackets).</summary>
    public static bool LooksValid(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > MaxLength)
        {
            return false;
        }

        var trimmed = email.Trim();
        return MailAddress.TryCreate(trimmed, out var address)
            && string.Equals(address.Address, trimmed, StringComparison.Ordinal)
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !trimmed.Any(char.IsWhiteSpace);
    }
}
