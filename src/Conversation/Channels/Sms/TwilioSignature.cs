using Twilio.Security;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// Twilio's request signature (<c>X-Twilio-Signature</c>), checked with Twilio's own
/// <see cref="RequestValidator"/>: HMAC-SHA1, keyed with the auth token, over the full public URL
/// Twilio called followed by every POST field's name and value, the names in ordinal order, with the
/// URL's default port (<c>:443</c>, <c>:80</c>) either present or absent. Twilio adds fields without
/// notice, so every field received is signed over.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>
    /// True when <paramref name="signature"/> is Twilio's for <paramref name="url"/> and exactly these
    /// fields. Names are compared exactly (<c>Xtra</c> and <c>xtra</c> are two fields). A name sent twice
    /// is never valid: Twilio's messaging webhooks send each field once, and its validator signs one
    /// value per name.
    /// </summary>
    public static bool IsValid(string authToken, string? signature, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(fields);
        if (authToken.Length == 0 || string.IsNullOrEmpty(signature) || url.Length == 0)
        {
            return false;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (!parameters.TryAdd(name, value))
            {
                return false;
            }
        }

        return new RequestValidator(authToken).Validate(WithoutDefaultPort(url), parameters, signature);
    }

    /// <summary>
    /// The URL with an explicit default port (<c>https://host:443/...</c>) taken out. The validator tries
    /// the URL as given and with the port added or removed, but it reads the port through
    /// <see cref="Uri"/>, which hides a default port even when written, so it would never try the form
    /// without it; given the form without, it tries both.
    /// </summary>
    private static string WithoutDefaultPort(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsDefaultPort)
        {
            return url;
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], schemeEnd);
        authorityEnd = authorityEnd < 0 ? url.Length : authorityEnd;
        var port = ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return url.AsSpan(schemeEnd, authorityEnd - schemeEnd).EndsWith(port, StringComparison.Ordinal)
            ? string.Concat(url.AsSpan(0, authorityEnd - port.Length), url.AsSpan(authorityEnd))
            : url;
    }
}
