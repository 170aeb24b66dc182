using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>In Development, PDS is this service's own local endpoint unless <c>Pds:BaseUrl</c> says otherwise.</summary>
public sealed class PdsDevelopmentDefaults(IOptions<PublicAddressOptions> publicAddress, IHostEnvironment environment) : IPostConfigureOptions<PdsOptions>
{
    public const string LocalPath = "/dev/pds";

    public void PostConfigure(string? name, PdsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl is null && environment.IsDevelopment())
        {
            var publicBase = publicAddress.Value.PublicBaseUrl ?? "http://localhost:5000";
            options.BaseUrl = new Uri(publicBase.TrimEnd('/') + LocalPath);
        }
    }
}

/// <summary>
/// Checks the PDS settings at start-up and names what is wrong. Production must sign in
/// (application-restricted) over HTTPS; Development may use the open local endpoint.
/// </summary>
public sealed class PdsOptionsValidator(IHostEnvironment environment) : IValidateOptions<PdsOptions>
{
    public ValidateOptionsResult Validate(string? name, PdsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Annotations(options, PdsOptions.SectionName, errors);
        Annotations(options.Auth, "Pds:Auth", errors);
        Annotations(options.Search, "Pds:Search", errors);
        Annotations(options.Resilience, "Pds:Resilience", errors);

        if (options.Resilience.TotalTimeout < options.Resilience.AttemptTimeout)
        {
            errors.Add("Pds:Resilience:TotalTimeout must not be shorter than Pds:Resilience:AttemptTimeout.");
        }

        if (!options.Enabled)
        {
            return Result(errors);
        }

        var production = environment.IsProduction();
        if (options.BaseUrl is null)
        {
            errors.Add("Pds:BaseUrl is required (or set Pds:Enabled to false).");
        }
        else if (!options.BaseUrl.IsAbsoluteUri || (options.BaseUrl.Scheme != Uri.UriSchemeHttps && (production || options.BaseUrl.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add(production ? "Pds:BaseUrl must be an absolute https URL." : "Pds:BaseUrl must be an absolute http or https URL.");
        }

        if (production && options.Auth.Mode != PdsAuthMode.ApplicationRestricted)
        {
            errors.Add("Pds:Auth:Mode must be ApplicationRestricted in Production (with Pds:Auth:ApiKey, Pds:Auth:KeyId, Pds:Auth:PrivateKey and Pds:TokenUrl).");
        }

        if (options.Auth.Mode == PdsAuthMode.ApplicationRestricted)
        {
            if (options.TokenUrl is null || !options.TokenUrl.IsAbsoluteUri)
            {
                errors.Add("Pds:TokenUrl is required (absolute URL) when Pds:Auth:Mode is ApplicationRestricted.");
            }

            if (string.IsNullOrWhiteSpace(options.Auth.ApiKey))
            {
                errors.Add("Pds:Auth:ApiKey is required when Pds:Auth:Mode is ApplicationRestricted.");
            }

            if (string.IsNullOrWhiteSpace(options.Auth.KeyId))
            {
                errors.Add("Pds:Auth:KeyId is required when Pds:Auth:Mode is ApplicationRestricted.");
            }

            if (string.IsNullOrWhiteSpace(options.Auth.PrivateKey))
            {
                errors.Add("Pds:Auth:PrivateKey is required when Pds:Auth:Mode is ApplicationRestricted.");
            }
            else if (!IsRsaPrivateKey(options.Auth.PrivateKey))
            {
                errors.Add("Pds:Auth:PrivateKey is not an RSA private key in PEM form.");
            }

            if (options.Search.MaxResults != 1)
            {
                errors.Add("Pds:Search:MaxResults must be 1 when Pds:Auth:Mode is ApplicationRestricted (PDS refuses more).");
            }
        }

        return Result(errors);
    }

    private static bool IsRsaPrivateKey(string pem)
    {
        if (!pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static void Annotations(object target, string section, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
