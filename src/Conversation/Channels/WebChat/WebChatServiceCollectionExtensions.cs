using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>Registers and maps the web chat channel: Direct Line at <c>/v3/directline</c> and the patient link <c>/c/{serviceId}</c>.</summary>
public static partial class WebChatServiceCollectionExtensions
{
    /// <summary>The CORS policy of the token and Direct Line endpoints: only the origins in <c>WebChat:AllowedOrigins</c>.</summary>
    public const string CorsPolicy = "webchat";

    public static IServiceCollection AddWebChat(this IServiceCollection services)
    {
        services.AddOptions<WebChatOptions>()
            .BindConfiguration(WebChatOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebChatOptions>, WebChatOptionsValidation>();
        services.AddPublicAddress();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<ActivitySignals>();
        services.AddSingleton<WebChatConversations>();
        services.AddSingleton<DirectLineStream>();
        services.AddSingleton<TokenRateLimiter>();
        services.AddSingleton<PostRateLimiter>();
        services.AddSingleton<StreamRegistry>();
        services.AddSingleton<WebChatAssets>();
        services.AddSingleton<WebChatHeaders>();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<WebChatOptions>>((cors, webChat) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(webChat.Value.AllowedOrigins)
            .WithHeaders("Authorization", "Content-Type", "x-ms-bot-agent")
            .WithMethods("GET", "POST")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>
    /// Adds what the channel needs in the pipeline (WebSockets, CORS, its static files) and maps its
    /// endpoints. Finding the Web Chat bundle is checked here, so a missing <c>npm ci</c> stops start-up
    /// with a message saying so.
    /// </summary>
    public static WebApplication MapWebChat(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var assets = app.Services.GetRequiredService<WebChatAssets>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebChatServiceCollectionExtensions).FullName!);
        if (app.Services.GetRequiredService<DirectLineTokens>().UsesRandomKey)
        {
            LogRandomKey(logger);
        }

        // A socket that answers no ping within the timeout is closed, which frees its place among the conversation's streams.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(30) });
        app.UseCors();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = WebChatAssets.RequestPath,
            FileProvider = assets.FileProvider,
            OnPrepareResponse = file =>
            {
                WebChatHeaders.ForApi(file.Context.Response, cacheable: true);
                // Each URL names the file's hash, so a versioned one never changes.
                file.Context.Response.Headers.CacheControl = file.Context.Request.Query.ContainsKey("v")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });

        app.MapDirectLine();
        app.MapLinkPage();
        app.MapFollowUpLinks();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebChat:TokenKey is not set: web chat tokens are signed with a random key for this process, so open chats stop working when it restarts")]
    private static partial void LogRandomKey(ILogger logger);
}
