using System.Security.Cryptography;
using System.Text;

namespace PatientContact.Inbox;

/// <summary>
/// A keyed hash for the keys a shared limit is stored under (a phone number, an email, a client address),
/// so the store never holds what it counts. Every host must hash with the same key for the limit to be
/// shared: the service registers its one-time code key (<c>Verification:HashKey</c>), which is required
/// outside Development.
/// </summary>
public interface ILimitKeys
{
    /// <summary>A short hash of <paramref name="value"/> for <paramref name="purpose"/>, the same on every host that shares the key.</summary>
    string KeyFor(string purpose, string value);
}

/// <summary>The keyed hash with a key of its own: random per process unless one is given.</summary>
public sealed class LimitKeys(byte[]? key = null) : ILimitKeys
{
    private readonly byte[] _key = key ?? RandomNumberGenerator.GetBytes(32);

    public string KeyFor(string purpose, string value) => Hash(_key, purpose, value);

    /// <summary>The hash every <see cref="ILimitKeys"/> here gives: 16 bytes of HMAC-SHA256, URL-safe Base64.</summary>
    public static string Hash(byte[] key, string purpose, string value)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(value);
        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "\n" + value));
        return Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
