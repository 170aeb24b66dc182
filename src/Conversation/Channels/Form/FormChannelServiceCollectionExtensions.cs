namespace PatientContact.Conversation.Channels.Form;

/// <summary>The form channel and staff entry: <c>services.AddFormChannel()</c> and <c>app.MapFormChannel()</c> / <c>app.MapStaffEntry()</c>.</summary>
public static class FormChannelServiceCollectionExtensions
{
    /// <summary>Needs the conversation engine, the web chat's assets and headers, data protection and anti-forgery registered too.</summary>
    public static IServiceCollection AddFormChannel(this IServiceCollection services)
    {
        services.AddSingleton<FormCookies>();
        services.AddSingleton<FormNotices>();
        services.AddSingleton<FormTurns>();
        return services;
    }
}
