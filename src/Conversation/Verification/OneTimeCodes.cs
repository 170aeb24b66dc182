using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PatientContact.Inbox;

namespace PatientContact.Conversation.Verification;

/// <summary>Settings for one-time codes; <see cref="HashKey"/> is a secret from configuration.</summary>
public sealed class VerificationOptions
{
    public const string SectionName = "Verification";

    /// <summary>Base64 key for hashing codes at rest. Development makes a random one per process when unset.</summary>
    [RequiredOutsideDevelopment("the key one-time codes are hashed with (Base64, at least 16 bytes)")]
    public string? HashKey { get; set; }
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxWrongTries { get; set; } = 5;
    public int MaxSends { get; set; } = 5;

    /// <summary>Codes texted to one number within <see cref="RateLimitWindow"/>, across all conversations.</summary>
    public int MaxCodesPerNumber { get; set; } = 10;

    /// <summary>Codes asked for by one client (IP address, or SMS sender) within <see cref="RateLimitWindow"/>.</summary>
    public int MaxCodesPerClient { get; set; } = 30;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Refuses code settings that would make codes useless or unlimited, naming the setting.</summary>
public sealed class VerificationOptionsValidator : IValidateOptions<VerificationOptions>
{
    public ValidateOptionsResult Validate(string? name, VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.CodeLifetime < TimeSpan.FromMinutes(1) || options.CodeLifetime > TimeSpan.FromMinutes(30))
        {
            errors.Add("Verification:CodeLifetime must be from 1 to 30 minutes.");
        }

        foreach (var (setting, value, max) in new[]
        {
            ("MaxWrongTries", options.MaxWrongTries, 10),
            ("MaxSends", options.MaxSends, 10),
            ("MaxCodesPerNumber", options.MaxCodesPerNumber, 100),
            ("MaxCodesPerClient", options.MaxCodesPerClient, 10_000),
        })
        {
            if (value < 1 || value > max)
            {
                errors.Add($"Verification:{setting} must be from 1 to {max}.");
            }
        }

        if (options.RateLimitWindow < TimeSpan.FromMinutes(1) || options.RateLimitWindow > TimeSpan.FromDays(1))
        {
            errors.Add("Verification:RateLimitWindow must be from 1 minute to 1 day.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Makes six-digit codes and checks them against a keyed hash, never keeping the code itself.</summary>
public sealed class OneTimeCodes : ILimitKeys
{
    private readonly byte[] _key;

    public OneTimeCodes(IOptions<VerificationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.HashKey;
        _key = string.IsNullOrWhiteSpace(configured) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(configured);
        if (_key.Length < 16)
        {
            throw new InvalidOperationException("Verification:HashKey must be at least 16 bytes of Base64.");
        }
    }

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The hash is bound to the conversation, so a code can only ever be used where it was sent.</summary>
    public string Hash(string conversationKey, string code)
    {
        var input = Encoding.UTF8.GetBytes(conversationKey + "\n" + code);
        return Convert.ToBase64String(HMACSHA256.HashData(_key, input));
    }

    /// <summary>A short keyed hash of a value (a phone number a limit counts), for a store key that does not reveal it.</summary>
    public string KeyFor(string purpose, string value) => LimitKeys.Hash(_key, purpose, value);

    public bool Matches(string conversationKey, string code, string expectedHash)
    {
        var actual = Convert.FromBase64String(Hash(conversationKey, code));
        Span<byte> expected = stackalloc byte[32];
        return Convert.TryFromBase64String(expectedHash, expected, out var written)
            && written == actual.Length
            && CryptographicOperations.FixedTimeEquals(actual, expected[..written]);
    }
}
