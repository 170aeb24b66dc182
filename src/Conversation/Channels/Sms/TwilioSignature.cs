using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// Twilio's request signature (<c>X-Twilio-Signature</c>): Base64 of HMAC-SHA1, keyed with the auth
/// token, over the full public URL Twilio called followed by every POST field's name and value, the
/// names in ordinal order. Twilio adds fields without notice, so every field received is signed over.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>The signature Twilio would send for this URL and these fields.</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(fields);

        var data = new StringBuilder(url);
        // Ordinal, not culture-aware: names that differ only in case must sort as Twilio sorts them.
        foreach (var (name, values) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            // A repeated name: each distinct value, in order, after the name (as Twilio's own libraries do).
            foreach (var value in values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is Twilio's for <paramref name="url"/>, or for the same URL
    /// with its default port (<c>:443</c>, <c>:80</c>) added or removed, as Twilio's validators accept.
    /// Compared in constant time.
    /// </summary>
    public static bool IsValid(string authToken, string? signature, string url, IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var given = Encoding.ASCII.GetBytes(signature);
        var materialised = fields.ToList();
        var valid = false;
        foreach (var candidate in UrlForms(url))
        {
            var expected = Encoding.ASCII.GetBytes(Compute(authToken, candidate, materialised));
            // Every form is checked, so the time taken does not say which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(given, expected);
        }

        return valid;
    }

    /// <summary>The URL as given, and with its default port added or removed.</summary>
    public static IEnumerable<string> UrlForms(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield break;
        }

        var defaultPort = uri.Scheme == "https" ? 443 : 80;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], schemeEnd);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[schemeEnd..authorityEnd];
        var portStart = authority.IndexOf(':', authority.LastIndexOf(']') + 1);
        if (portStart < 0)
        {
            yield return string.Concat(url.AsSpan(0, authorityEnd), $":{defaultPort}", url.AsSpan(authorityEnd));
        }
        else if (authority[(portStart + 1)..] == defaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            yield return string.Concat(url.AsSpan(0, schemeEnd + portStart), url.AsSpan(authorityEnd));
        }
    }
}
