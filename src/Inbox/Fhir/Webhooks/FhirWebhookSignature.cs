using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>
/// The signature on each webhook post, in the header <c>PatientContact-Signature: t={unix seconds},v1={hex}</c>, where
/// the hex is the lower-case HMAC-SHA256, keyed with the service's secret (its UTF-8 bytes), of
/// <c>{t}.{the body's bytes}</c>. A receiver recomputes it over the body exactly as received, compares in constant
/// time, and refuses a <c>t</c> more than five minutes from its own clock (a replayed post).
/// </summary>
public static class FhirWebhookSignature
{
    public const string Header = "PatientContact-Signature";

    /// <summary>How far from the receiver's clock a signature's time may be.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
