using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Messaging;

/// <summary>Registers the Twilio settings and the worker that delivers the outbox.</summary>
public static class OutboxDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Twilio:*</c> once, however many features ask (the SMS webhook needs the auth token,
    /// the sender the whole account).
    /// </summary>
    public static IServiceCollection AddTwilioOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TwilioOptionsMarker)))
        {
            return services;
        }

        services.AddSingleton<TwilioOptionsMarker>();
        services.AddOptions<TwilioOptions>()
            .BindConfiguration(TwilioOptions.Section)
            .Validate(o => o.ApiBaseUrl is { IsAbsoluteUri: true, Scheme: "https" or "http" }, "Twilio:ApiBaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The one way a text is sent, whoever sends it (the conversation, staff): queued in the outbox, for the worker
    /// to deliver. Registered once, by whichever feature asks first, so no feature depends on another's order.
    /// </summary>
    public static IServiceCollection AddOutboundSender(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOutboundSender, OutboxSender>();
        return services;
    }

    /// <summary>The hosted worker that sends queued texts through Twilio (or holds them, per <c>Outbox:Mode</c>).</summary>
    public static IServiceCollection AddOutboxDelivery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddTwilioOptions();
        services.AddOptions<OutboxDeliveryOptions>()
            .BindConfiguration(OutboxDeliveryOptions.Section)
            .ValidateDataAnnotations()
            .Validate<IOptions<TwilioOptions>>(
                (o, twilio) => o.Mode == OutboxMode.Hold
                    || (!string.IsNullOrWhiteSpace(twilio.Value.AccountSid) && !string.IsNullOrWhiteSpace(twilio.Value.AuthToken)),
                "Outbox:Mode is Send, so Twilio:AccountSid and Twilio:AuthToken must be set (or set Outbox:Mode to Hold to keep texts in the outbox).")
            .Validate(o => o.Lease > o.SendTimeout * 2, "Outbox:Lease must be more than twice Outbox:SendTimeout, so a send finishes inside its lease.")
            .ValidateOnStart();

        // One long-lived connection pool for a singleton worker; pooled connections are renewed so DNS
        // changes are seen. Each call has its own time limit (Outbox:SendTimeout).
        services.TryAddSingleton(sp => new TwilioMessagesClient(
            new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false },
            sp.GetRequiredService<IOptions<TwilioOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<DeliveryReports>();
        // Each text asks Twilio to report its delivery under the public address.
        services.AddPublicAddress();
        services.TryAddSingleton<OutboxDeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDeliveryWorker>());
        return services;
    }

    private sealed class TwilioOptionsMarker;
}
