using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using PatientContact.Inbox;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// Data Protection (staff sign-in cookies, anti-forgery tokens, form-channel cookies) with its key ring
/// kept in the service's store, so it survives restarts and every host on the same store reads the others'
/// cookies. With <c>DataProtection:Certificate:Path</c> (required outside Development) each key's secret is
/// encrypted with that certificate's RSA key before it is stored; certificates listed under
/// <c>DataProtection:PreviousCertificates</c> still decrypt keys written before a certificate was replaced.
/// </summary>
public static class DataProtectionServiceCollectionExtensions
{
    public const string ApplicationName = "PatientContact";
    public const string CertificateSection = "DataProtection:Certificate";
    public const string PreviousCertificatesSection = "DataProtection:PreviousCertificates";

    public static IServiceCollection AddDataProtectionKeyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["DataProtection:KeyPath"] is { Length: > 0 })
        {
            throw new InvalidOperationException(
                "DataProtection:KeyPath is no longer read: the Data Protection keys are kept in the store, encrypted with the certificate "
                + $"{CertificateSection}:Path. Remove DataProtection:KeyPath (see docs/deployment.md, 'Data Protection keys').");
        }

        // A fixed name, not the content root path: instances installed in different folders share keys.
        var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IKeyRingStore, TimeProvider>((options, store, time) => options.XmlRepository = new StoreXmlRepository(store, time));

        if (Load(configuration.GetSection(CertificateSection)) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate);
            var previous = configuration.GetSection(PreviousCertificatesSection).GetChildren()
                .Select(section => Load(section) ?? throw new InvalidOperationException($"{section.Path}:Path is not set."))
                .ToArray();
            dataProtection.UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        }

        return services;
    }

    /// <summary>The PKCS#12 file at <c>{section}:Path</c> (password <c>{section}:Password</c>), or null when no path is set.</summary>
    private static X509Certificate2? Load(IConfigurationSection section)
    {
        var settings = section.Get<DataProtectionCertificateOptions>();
        var path = settings?.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{section.Path}:Path names no file: {path}.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings?.Password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException($"{section.Path}:Path ({path}) could not be opened as a PKCS#12 (.pfx) file with {section.Path}:Password.");
        }

        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{section.Path}:Path ({path}) holds no RSA private key; Data Protection encrypts its keys with one.");
        }

        return certificate;
    }
}

/// <summary>
/// One Data Protection certificate: <c>DataProtection:Certificate</c>, and each of <c>DataProtection:PreviousCertificates</c>.
/// The current one is required outside Development, so the keys of sign-in cookies are never kept in the store in clear.
/// </summary>
public sealed class DataProtectionCertificateOptions
{
    /// <summary>The PKCS#12 (.pfx) file holding the certificate and its RSA private key.</summary>
    [RequiredOutsideDevelopment("the PKCS#12 certificate file whose RSA key encrypts the Data Protection keys kept in the store")]
    public string? Path { get; set; }

    /// <summary>The file's password, when it has one. A secret.</summary>
    public string? Password { get; set; }
}
