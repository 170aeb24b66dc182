using Microsoft.Extensions.Options;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Messaging;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Registers the conversation engine and what it needs besides storage and rules: the part of
/// <c>AddConversation</c> a tool or test runs without a web server or channels.
/// </summary>
public static class IntakeServiceCollectionExtensions
{
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ConversationOptions>().BindConfiguration("Conversation")
            .Configure<IConfiguration>((options, configuration) => options.PublicBaseUrl ??= configuration["PublicBaseUrl"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VerificationOptions>().BindConfiguration("Verification").ValidateOnStart();
        services.AddSingleton<OneTimeCodes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>());
        services.AddSingleton<CodeSendLimiter>();
        services.AddOutboundSender();
        services.AddSingleton<Replies.RequestReplies>();
        services.AddSingleton<IntakeEngine>();
        services.AddHostedService<ConversationPurger>();
        return services;
    }
}
