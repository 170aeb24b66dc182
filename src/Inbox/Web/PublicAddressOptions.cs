using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PatientContact.Inbox.Web;

/// <summary>
/// The service's public address, the top-level <c>PublicBaseUrl</c> setting (e.g. <c>https://contact.example.nhs.uk</c>),
/// read here only: every part that hands out or checks an address gets it through <see cref="PublicAddress"/>.
/// Outside Development it must be set (the Production settings check says so at start); in Development and tests of
/// one process it may be left out, and the request's own origin stands in.
/// </summary>
public sealed class PublicAddressOptions
{
    /// <summary>The configuration key, at the root of the settings.</summary>
    public const string Key = "PublicBaseUrl";

    /// <summary>An absolute http(s) address with no query; null when not set.</summary>
    [Url]
    [RequiredOutsideDevelopment("the public https address of the service, which Twilio signs its webhooks over")]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Whether <paramref name="value"/> is an address the service can be reached at: absolute http(s), no query or fragment.</summary>
    public static bool IsValid(string? value) =>
        value is null
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0);
}

/// <summary>Registers <see cref="PublicAddressOptions"/> and <see cref="PublicAddress"/>, once, for whichever feature asks first.</summary>
public static class PublicAddressServiceCollectionExtensions
{
    public static IServiceCollection AddPublicAddress(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PublicAddress)))
        {
            return services;
        }

        services.AddOptions<PublicAddressOptions>()
            .Configure<IConfiguration>((o, configuration) =>
                o.PublicBaseUrl = configuration[PublicAddressOptions.Key] is { Length: > 0 } value ? value : null)
            .ValidateDataAnnotations()
            .Validate(o => PublicAddressOptions.IsValid(o.PublicBaseUrl), "PublicBaseUrl must be an absolute http(s) URL with no query, like https://contact.example.nhs.uk.")
            .ValidateOnStart();
        services.TryAddSingleton<PublicAddress>();
        return services;
    }
}
