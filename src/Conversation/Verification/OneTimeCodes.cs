using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PatientContact.Conversation.Verification;

/// <summary>Settings for one-time codes; <see cref="HashKey"/> is a secret from configuration.</summary>
public sealed class VerificationOptions
{
    /// <summary>Base64 key for hashing codes at rest. Development makes a random one per process when unset.</summary>
    public string? HashKey { get; set; }
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxWrongTries { get; set; } = 5;
    public int MaxSends { get; set; } = 5;
}

/// <summary>Makes six-digit codes and checks them against a keyed hash, never keeping the code itself.</summary>
public sealed class OneTimeCodes
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

    public bool Matches(string conversationKey, string code, string expectedHash)
    {
        var actual = Convert.FromBase64String(Hash(conversationKey, code));
        Span<byte> expected = stackalloc byte[32];
        return Convert.TryFromBase64String(expectedHash, expected, out var written)
            && written == actual.Length
            && CryptographicOperations.FixedTimeEquals(actual, expected[..written]);
    }
}
