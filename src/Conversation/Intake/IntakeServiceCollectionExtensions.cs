using Microsoft.Extensions.Options;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Web;

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
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<OneTimeCodes>();
        // Shared limits (sign-in backoffs among them) hash their keys with the code key, the same on every host.
        services.Replace(ServiceDescriptor.Singleton<ILimitKeys>(sp => sp.GetRequiredService<OneTimeCodes>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>());
        services.AddSingleton<CodeSendLimiter>();
        services.AddOutboundSender();
        // The general link a patient is pointed at when a follow-up link has ended.
        services.AddPublicAddress();
        services.AddSingleton<Replies.RequestReplies>();
        services.AddSingleton<IntakeEngine>();
        services.AddHostedService<ConversationPurger>();
        return services;
    }
}
