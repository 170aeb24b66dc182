using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// Self-signed RSA certificates written as password-protected PKCS#12 files, as an operator would make
/// with openssl (docs/deployment.md), for <c>DataProtection:Certificate:Path</c>.
/// </summary>
public static class KeyRingCertificates
{
    public const string Password = "key-ring-certificate-password";

    /// <summary>Writes a new certificate to <paramref name="path"/> and returns its settings.</summary>
    public static Dictionary<string, string?> Write(string path, string section = "DataProtection:Certificate")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PatientContact Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return new() { [$"{section}:Path"] = path, [$"{section}:Password"] = Password };
    }
}
