namespace PatientContact.Conversation.Hosting;

/// <summary>One setting a Production deployment must give, and when it applies.</summary>
/// <param name="Key">The configuration key, e.g. <c>Twilio:AuthToken</c> (environment variable <c>Twilio__AuthToken</c>).</param>
/// <param name="Meaning">What it is for, shown when it is missing.</param>
/// <param name="AppliesWhen">Null when always needed; otherwise only when this says so (e.g. for one store provider).</param>
/// <param name="AllowedValues">When given, the value must be one of these (ignoring case).</param>
public sealed record RequiredSetting(
    string Key,
    string Meaning,
    Func<IConfiguration, bool>? AppliesWhen = null,
    IReadOnlyList<string>? AllowedValues = null);

/// <summary>
/// The settings every Production deployment sets (SPEC section 8). Start-up in Production refuses a
/// configuration missing any of them, naming each. A feature that needs a new setting adds it to
/// <see cref="Required"/>.
/// </summary>
public static class ProductionSettings
{
    private static bool Provider(IConfiguration c, string name) =>
        string.Equals(c["Storage:Provider"], name, StringComparison.OrdinalIgnoreCase);

    private static bool SignIn(IConfiguration c, string name) =>
        string.Equals(c["Staff:SignIn"], name, StringComparison.OrdinalIgnoreCase);

    private static bool PdsOn(IConfiguration c) =>
        !string.Equals(c["Pds:Enabled"], "false", StringComparison.OrdinalIgnoreCase);

    private static bool PdsSignedIn(IConfiguration c) =>
        PdsOn(c) && string.Equals(c["Pds:Auth:Mode"], "ApplicationRestricted", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<RequiredSetting> Required { get; } =
    [
        new("PublicBaseUrl", "the public https address of the service, which Twilio signs its webhooks over"),
        new("Storage:Provider", "the store: Sqlite or MongoDb", AllowedValues: ["Sqlite", "MongoDb"]),
        new("Storage:Sqlite:Path", "the SQLite file", c => Provider(c, "Sqlite")),
        new("Storage:MongoDb:ConnectionString", "the MongoDB connection string", c => Provider(c, "MongoDb")),
        new("Storage:MongoDb:Database", "the MongoDB database name", c => Provider(c, "MongoDb")),
        new("Twilio:AccountSid", "the Twilio account texts are sent from"),
        new("Twilio:AuthToken", "the Twilio auth token (REST API password and webhook signing key)"),
        new("Twilio:ApiBaseUrl", "the Twilio REST API address, https://api.twilio.com"),
        new("Pds:BaseUrl", "the Personal Demographics Service FHIR address (or Pds:Enabled=false to store every request unmatched)", PdsOn),
        new("Pds:TokenUrl", "the PDS OAuth token endpoint", PdsSignedIn),
        new("Pds:Auth:ApiKey", "the PDS application's API key", PdsSignedIn),
        new("Pds:Auth:KeyId", "the id of the PDS application's registered public key", PdsSignedIn),
        new("Pds:Auth:PrivateKey", "the PDS application's private key (PEM)", PdsSignedIn),
        new("Verification:HashKey", "the key one-time codes are hashed with (Base64, at least 16 bytes)"),
        new("WebChat:TokenKey", "the key web chat tokens are signed with"),
        new("DataProtection:Certificate:Path", "the PKCS#12 certificate file whose RSA key encrypts the Data Protection keys kept in the store"),
        new("Staff:SignIn", "how staff sign in: Local or Oidc", AllowedValues: ["Local", "Oidc"]),
        new("Staff:Oidc:Authority", "the OpenID Connect provider staff sign in with", c => SignIn(c, "Oidc")),
        new("Staff:Oidc:ClientId", "this service's client id at the OpenID Connect provider", c => SignIn(c, "Oidc")),
        new("Staff:Oidc:ClientSecret", "this service's client secret at the OpenID Connect provider", c => SignIn(c, "Oidc")),
    ];

    /// <summary>What is wrong with <paramref name="configuration"/> for Production: one line per missing or invalid setting.</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var setting in Required)
        {
            if (setting.AppliesWhen is { } applies && !applies(configuration))
            {
                continue;
            }

            var value = configuration[setting.Key];
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{setting.Key} is not set ({setting.Meaning}).");
            }
            else if (setting.AllowedValues is { } allowed && !allowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{setting.Key} is '{value}', but must be one of {string.Join(", ", allowed)}.");
            }
        }

        return problems;
    }

    /// <summary>Settings that only make sense on a developer's machine; outside Development each stops start-up.</summary>
    public static IReadOnlyList<(string Key, Func<IConfiguration, bool> IsOn, string Why)> DevelopmentOnly { get; } =
    [
        ("Outbox:Mode", c => string.Equals(c["Outbox:Mode"], "Hold", StringComparison.OrdinalIgnoreCase),
            "is Hold: no text would be sent, so no patient would get a code or a confirmation"),
        ("Demo:StaffPassword", c => !string.IsNullOrWhiteSpace(c["Demo:StaffPassword"]),
            "is set: the demo staff accounts, an administrator among them, are for Development only"),
        (Inbox.Storage.StoreFaults.RateKey, c => c.GetValue<double>(Inbox.Storage.StoreFaults.RateKey) != 0,
            "makes store calls fail on purpose, for the fault-injection run"),
    ];

    /// <summary>The setting that lets Development listen on more than this machine.</summary>
    public const string AllowNetworkKey = "Development:AllowNetwork";

    /// <summary>Development settings switched on in <paramref name="configuration"/>, one line each.</summary>
    public static IReadOnlyList<string> CheckNoDevelopmentFeatures(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. DevelopmentOnly.Where(d => d.IsOn(configuration)).Select(d => $"{d.Key} {d.Why}; remove it outside Development.")];
    }

    /// <summary>
    /// Development serves every one-time code at <c>/dev/outbox</c> and signs in demo staff with the
    /// repository's password: it listens on loopback only (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>)
    /// unless <c>Development:AllowNetwork=true</c> says otherwise. Reads <c>urls</c> (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>), <c>http_ports</c>/<c>https_ports</c> and <c>Kestrel:Endpoints</c>.
    /// </summary>
    public static IReadOnlyList<string> CheckDevelopmentBinding(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetValue<bool>(AllowNetworkKey))
        {
            return [];
        }

        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        var problems = urls.Where(url => !IsLoopback(url))
            .Select(url => $"Development would listen on {url}, beyond this machine; bind it to localhost, or set {AllowNetworkKey}=true to mean it.")
            .ToList();
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            if (!string.IsNullOrWhiteSpace(configuration[key]))
            {
                problems.Add($"Development would listen on every address ({key}); bind it to localhost, or set {AllowNetworkKey}=true to mean it.");
            }
        }

        return problems;
    }

    /// <summary>
    /// Outside Development, stops start-up when <see cref="Check"/> or <see cref="CheckNoDevelopmentFeatures"/>
    /// finds anything, naming every gap at once; in Development, when it would listen beyond loopback.
    /// Called first thing in Program.cs, before any feature reads its own settings and fails on one alone.
    /// </summary>
    /// <exception cref="ProductionSettingsException">A setting is missing or invalid.</exception>
    public static void ThrowIfIncomplete(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        IReadOnlyList<string> problems = environment.IsDevelopment()
            ? CheckDevelopmentBinding(configuration)
            : [.. Check(configuration), .. CheckNoDevelopmentFeatures(configuration)];
        if (problems.Count > 0)
        {
            throw new ProductionSettingsException(environment.EnvironmentName, problems);
        }
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (http://*:5000, http://+:5000) do not parse as URIs; they mean every address.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Start-up stopped: the message lists every setting missing, invalid or out of place in the environment.</summary>
public sealed class ProductionSettingsException(string environment, IReadOnlyList<string> problems)
    : Exception($"The {environment} environment cannot start with these settings (SPEC section 8); start-up stopped:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
