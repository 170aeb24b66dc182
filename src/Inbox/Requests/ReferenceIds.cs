using System.Security.Cryptography;

namespace PatientContact.Inbox.Requests;

/// <summary>
/// Reference IDs: <c>XXXX-XXXX</c> in Crockford base32, 40 random bits from a CSPRNG. They identify a
/// request when a patient rings; they never grant access to anything. Uniqueness is the store's job.
/// </summary>
public static class ReferenceIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> random = stackalloc byte[5];
        RandomNumberGenerator.Fill(random);
        ulong bits = 0;
        foreach (var b in random)
        {
            bits = (bits << 8) | b;
        }

        return string.Create(9, bits, static (chars, value) =>
        {
            for (var i = 8; i >= 0; i--)
            {
                if (i == 4)
                {
                    chars[i] = '-';
                    continue;
                }

                chars[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }

    /// <summary>
    /// Reads a reference ID as a person might type or say it: any case, with or without the hyphen,
    /// O for 0 and I or L for 1 (Crockford's rules).
    /// </summary>
    public static bool TryNormalize(string? text, out string referenceId)
    {
        referenceId = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20)
        {
            return false;
        }

        Span<char> chars = stackalloc char[8];
        var count = 0;
        foreach (var raw in text.Trim())
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (count == 8 || Alphabet.IndexOf(c) < 0)
            {
                return false;
            }

            chars[count++] = c;
        }

        if (count != 8)
        {
            return false;
        }

        referenceId = string.Concat(chars[..4], "-", chars[4..]);
        return true;
    }
}
