using PatientContact.Conversation.Channels.Form;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Dev.Outbox;
using PatientContact.Conversation.Dev.Pds;
using PatientContact.Conversation.Intake;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// The Conversation project (the host) in one pair, <c>builder.Services.AddConversation(…)</c> and
/// <c>app.MapConversation()</c>: the engine, every channel (SMS, web chat, form, staff entry), and the host's own
/// parts (proxy headers, transport security, Data Protection keys, telemetry, health, the Development fakes).
/// Needs the rules and the inbox registered too (<c>AddRules</c>, <c>AddInbox</c>), before or after.
/// </summary>
public static class ConversationServiceCollectionExtensions
{
    public static IServiceCollection AddConversation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddProxySupport();
        services.AddDataProtectionKeyStorage(configuration);
        services.AddIntake();
        services.AddSmsChannel();
        services.AddWebChat();
        services.AddFormChannel();
        services.AddPatientContactTelemetry(configuration);
        return services;
    }

    /// <summary>
    /// The pipeline, in its one order (forwarded headers first, then HTTPS, then the web chat's sockets, CORS and
    /// files), and every endpoint of the conversation. The inbox adds endpoints only, so it may be mapped before or after.
    /// </summary>
    public static WebApplication MapConversation(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseProxySupport();
        app.UseTransportSecurity();
        app.MapHealth();
        app.MapDevPds();
        app.MapSmsChannel();
        app.MapWebChat();
        app.MapFormChannel();
        app.MapStaffEntry();
        app.MapDevOutbox(app.Environment);
        return app;
    }
}
