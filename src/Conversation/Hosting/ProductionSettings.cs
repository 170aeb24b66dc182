using System.Reflection;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Inbox.Storage.Sqlite;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// One setting a deployment outside Development must give: a property of an options class marked
/// <see cref="RequiredOutsideDevelopmentAttribute"/>, read with the section the class is bound from.
/// </summary>
public sealed class RequiredSetting
{
    public RequiredSetting(string section, PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(property);
        var declaration = property.GetCustomAttribute<RequiredOutsideDevelopmentAttribute>()
            ?? throw new ArgumentException($"{property.DeclaringType?.Name}.{property.Name} is not marked [RequiredOutsideDevelopment].", nameof(property));
        Section = section;
        Property = property;
        Key = section.Length == 0 ? property.Name : $"{section}:{property.Name}";
        Meaning = declaration.Meaning;
        AppliesWhen = declaration.When is { } when ? Condition(property.DeclaringType!, when) : null;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        AllowedValues = type.IsEnum ? Enum.GetNames(type) : null;
    }

    /// <summary>The section the options class is bound from; empty for a top-level setting such as <c>PublicBaseUrl</c>.</summary>
    public string Section { get; }

    /// <summary>The options property the setting binds to.</summary>
    public PropertyInfo Property { get; }

    /// <summary>The configuration key, e.g. <c>Twilio:AuthToken</c> (environment variable <c>Twilio__AuthToken</c>).</summary>
    public string Key { get; }

    /// <summary>What it is for, shown when it is missing.</summary>
    public string Meaning { get; }

    /// <summary>Null when always needed; otherwise only when this says so (e.g. for one store provider).</summary>
    public Func<IConfiguration, bool>? AppliesWhen { get; }

    /// <summary>For an enum property, its names: the value must be one of these (ignoring case).</summary>
    public IReadOnlyList<string>? AllowedValues { get; }

    /// <summary>The options class's own <c>static bool {when}(IConfiguration)</c>; a name that finds none stops start-up at once.</summary>
    private static Func<IConfiguration, bool> Condition(Type options, string when)
    {
        var method = options.GetMethod(when, BindingFlags.Public | BindingFlags.Static, [typeof(IConfiguration)]);
        if (method is null || method.ReturnType != typeof(bool))
        {
            throw new InvalidOperationException($"{options.Name} has no public static bool {when}(IConfiguration), which a required setting names as its condition.");
        }

        return method.CreateDelegate<Func<IConfiguration, bool>>();
    }
}

/// <summary>
/// The settings every Production deployment sets (SPEC section 8). Start-up in Production refuses a
/// configuration missing any of them, naming each. Each options class declares its own, with
/// <see cref="RequiredOutsideDevelopmentAttribute"/> on the property; this only walks the classes.
/// </summary>
public static class ProductionSettings
{
    /// <summary>
    /// The options classes that declare required settings, each with the section it is bound from, in the order
    /// problems are listed. A new setting on one of these classes needs only its attribute; a new class that
    /// declares one is added here (a test fails until it is).
    /// </summary>
    public static IReadOnlyList<(string Section, Type Options)> OptionsClasses { get; } =
    [
        ("", typeof(PublicAddressOptions)), // PublicBaseUrl is a top-level setting
        (StorageOptions.SectionName, typeof(StorageOptions)),
        (SqliteStorageOptions.SectionName, typeof(SqliteStorageOptions)),
        (MongoStorageOptions.SectionName, typeof(MongoStorageOptions)),
        (TwilioOptions.Section, typeof(TwilioOptions)),
        (PdsOptions.SectionName, typeof(PdsOptions)),
        ($"{PdsOptions.SectionName}:{nameof(PdsOptions.Auth)}", typeof(PdsAuthOptions)),
        (VerificationOptions.SectionName, typeof(VerificationOptions)),
        (WebChatOptions.SectionName, typeof(WebChatOptions)),
        (DataProtectionServiceCollectionExtensions.CertificateSection, typeof(DataProtectionCertificateOptions)),
        (StaffOptions.SectionName, typeof(StaffOptions)),
        ($"{StaffOptions.SectionName}:{nameof(StaffOptions.Oidc)}", typeof(StaffOidcOptions)),
    ];

    /// <summary>Every required setting the classes in <see cref="OptionsClasses"/> declare, in that order.</summary>
    public static IReadOnlyList<RequiredSetting> Declared { get; } =
    [
        .. OptionsClasses.SelectMany(o => o.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.IsDefined(typeof(RequiredOutsideDevelopmentAttribute)))
            .Select(property => new RequiredSetting(o.Section, property))),
    ];

    /// <summary>
    /// What is wrong with <paramref name="configuration"/> for Production: one line per missing or invalid setting.
    /// It reads the configuration, not bound options, so a setting whose property has a default is still missing
    /// when the configuration does not give it.
    /// </summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var setting in Declared)
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

        if (PlainHttpPublicAddress(configuration[Inbox.Web.PublicAddressOptions.Key]) is { } plain)
        {
            problems.Add($"{Inbox.Web.PublicAddressOptions.Key} is {plain}, but must be https outside Development (answers, codes and staff sign-ins travel over it, and only an https address gets HSTS and Secure cookies); plain http is taken only for a loopback address.");
        }

        return problems;
    }

    /// <summary>The address when it is plain http to anything but this machine; otherwise null.</summary>
    private static string? PlainHttpPublicAddress(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(value!) ? value : null;

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
