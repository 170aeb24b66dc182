using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>Registers and maps the SMS channel (Twilio's webhook).</summary>
public static class SmsChannelServiceCollectionExtensions
{
    public static IServiceCollection AddSmsChannel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddTwilioOptions();
        // Twilio signs the public address it calls; it is checked at start with the other public address readers'.
        services.AddPublicAddress();
        services.AddOptions<SmsThrottleOptions>().BindConfiguration(SmsThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SenderThrottle>();
        services.TryAddSingleton<SmsConversation>();
        // MMS pictures: fetched from Twilio's API with no automatic redirects (TwilioMedia follows one itself, without credentials).
        services.TryAddSingleton(sp => new TwilioMedia(
            new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false },
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TwilioOptions>>(),
            sp.GetRequiredService<ILogger<TwilioMedia>>()));
        // The delivery reports' endpoint records what the worker's texts came to.
        services.TryAddSingleton<DeliveryReports>();
        return services;
    }

    public static IEndpointRouteBuilder MapSmsChannel(this IEndpointRouteBuilder app) => app.MapTwilioWebhook();
}
