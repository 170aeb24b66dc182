using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>How the service reaches the Personal Demographics Service (section <c>Pds</c> of configuration).</summary>
public sealed class PdsOptions
{
    public const string SectionName = "Pds";

    /// <summary>False switches PDS off: every request is stored unmatched with "PDS unavailable".</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The FHIR R4 base, e.g. <c>https://int.api.service.nhs.uk/personal-demographics/FHIR/R4</c>.
    /// In Development it defaults to this service's own <c>/dev/pds</c> (from <c>PublicBaseUrl</c>).
    /// </summary>
    [RequiredOutsideDevelopment("the Personal Demographics Service FHIR address (or Pds:Enabled=false to store every request unmatched)", When = nameof(IsOn))]
    public Uri? BaseUrl { get; set; }

    /// <summary>The OAuth 2.0 token endpoint; also the <c>aud</c> of the signed client assertion, character for character.</summary>
    [RequiredOutsideDevelopment("the PDS OAuth token endpoint", When = nameof(SignsIn))]
    public Uri? TokenUrl { get; set; }

    /// <summary>ODS code of the organisation the calls are made for (<c>NHSD-End-User-Organisation-ODS</c>), when set.</summary>
    [RegularExpression("^[A-Za-z0-9]{3,10}$")]
    public string? EndUserOrganisationOds { get; set; }

    public PdsAuthOptions Auth { get; set; } = new();

    public PdsSearchOptions Search { get; set; } = new();

    public PdsResilienceOptions Resilience { get; set; } = new();

    /// <summary>Whether PDS is on: unless <c>Pds:Enabled</c> is <c>false</c>, as <see cref="Enabled"/> defaults to true.</summary>
    public static bool IsOn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.Equals(configuration[$"{SectionName}:{nameof(Enabled)}"], "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether PDS is on and signs in application-restricted: only then are the token endpoint and the keys needed.</summary>
    public static bool SignsIn(IConfiguration configuration) =>
        IsOn(configuration)
        && string.Equals(configuration[$"{SectionName}:{nameof(Auth)}:{nameof(PdsAuthOptions.Mode)}"], nameof(PdsAuthMode.ApplicationRestricted), StringComparison.OrdinalIgnoreCase);
}

public enum PdsAuthMode
{
    /// <summary>No Authorization header: the open sandbox and the local development endpoint.</summary>
    None,

    /// <summary>Signed-JWT client credentials; PDS then returns a single, unique match or none.</summary>
    ApplicationRestricted,
}

/// <summary>Application-restricted sign-in: the API key, the key id published in the JWKS, and the private key.</summary>
public sealed class PdsAuthOptions
{
    public PdsAuthMode Mode { get; set; } = PdsAuthMode.None;

    /// <summary>The application's API key from the NHS developer portal: the JWT's <c>iss</c> and <c>sub</c>.</summary>
    [RequiredOutsideDevelopment("the PDS application's API key", When = nameof(SignsIn))]
    public string? ApiKey { get; set; }

    /// <summary>The <c>kid</c> of the public key registered for the application.</summary>
    [RequiredOutsideDevelopment("the id of the PDS application's registered public key", When = nameof(SignsIn))]
    public string? KeyId { get; set; }

    /// <summary>The RSA private key, PEM text. A secret: from an environment variable or a secret store, never the repository.</summary>
    [RequiredOutsideDevelopment("the PDS application's private key (PEM)", When = nameof(SignsIn))]
    public string? PrivateKey { get; set; }

    /// <summary>How long a client assertion is valid; the platform allows at most five minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:05:00")]
    public TimeSpan AssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether these keys are used: see <see cref="PdsOptions.SignsIn"/>.</summary>
    public static bool SignsIn(IConfiguration configuration) => PdsOptions.SignsIn(configuration);
}

/// <summary>The search the matching policy sends; the defaults follow PDS's advice for an unattended, unique match.</summary>
public sealed class PdsSearchOptions
{
    /// <summary>Soundex and transposed-name matching. Off: a near miss should reach staff, not be matched.</summary>
    public bool FuzzyMatch { get; set; }

    /// <summary>Only results scoring 1.0.</summary>
    public bool ExactMatch { get; set; }

    /// <summary>Also match previous names and addresses (PDS returns the current ones).</summary>
    public bool History { get; set; } = true;

    /// <summary>Send the patient's gender. Off by default, as PDS advises: administrative gender often differs from what people say.</summary>
    public bool IncludeGender { get; set; }

    /// <summary>The most patients asked for; application-restricted access allows only 1.</summary>
    [Range(1, 50)]
    public int MaxResults { get; set; } = 1;
}

/// <summary>Timeouts, retries and the circuit breaker around every PDS call.</summary>
public sealed class PdsResilienceOptions
{
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter, and honour Retry-After up to <see cref="TotalTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The share of failed calls, within <see cref="SamplingDuration"/>, that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    [Range(2, 1000)]
    public int MinimumThroughput { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once, before one is let through to test PDS again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
