using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Hosting;

/// <summary>The load balancers and proxies whose forwarded headers are believed (section <c>ForwardedHeaders</c>).</summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of proxies that connect to the service, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies connect from, in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Running behind a load balancer that ends TLS: <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
/// are taken only from a connection whose address is in <c>ForwardedHeaders:KnownProxies</c> or
/// <c>KnownNetworks</c> (nothing is trusted by default, not even loopback), walking back through
/// trusted hops to the first address that is not one: that is the client every per-IP limit counts.
/// <c>X-Forwarded-Host</c> is never read: addresses handed out come from <c>PublicBaseUrl</c>.
/// </summary>
public static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddProxySupport(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPublicAddress();
        services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.Section)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)),
                "ForwardedHeaders:KnownProxies must be IP addresses, like 10.0.0.5.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders:KnownNetworks must be networks in CIDR form, like 10.0.0.0/24.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Nothing is trusted unless configured; the framework's default trusts loopback.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }

            foreach (var network in proxies.Value.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    forwarded.KnownIPNetworks.Add(parsed);
                }
            }

            // Every trusted hop is walked (a CDN in front of the balancer); the first untrusted address stops it.
            forwarded.ForwardLimit = null;
            forwarded.RequireHeaderSymmetry = false;
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it sees the real client and scheme.</summary>
    public static WebApplication UseProxySupport(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        return app;
    }
}
