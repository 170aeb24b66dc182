using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Fhir.Webhooks;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Staff.Accounts;
using PatientContact.Inbox.Staff.Api;
using PatientContact.Inbox.Staff.Links;
using PatientContact.Inbox.Staff.Pages;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Staff;

/// <summary>The staff inbox's pages and API: <c>AddStaffInbox</c> and <c>MapStaffInbox</c>, called by the project's <see cref="InboxServiceCollectionExtensions"/>.</summary>
public static class StaffInboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers staff sign-in (local accounts or OpenID Connect, from <c>Staff:SignIn</c>), the request pages
    /// and API, the audit, the text sender (<see cref="Messaging.IOutboundSender"/>, shared with the conversation),
    /// and in Development the demo staff accounts. Needs the stores and the rules registered too, in any order.
    /// </summary>
    public static IServiceCollection AddStaffInbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddPublicAddress();
        services.AddOutboundSender();
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StaffOptions>, StaffOptionsValidation>());
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);

        services.AddStaffAuthentication(configuration);
        services.AddIntegrationAuthentication(configuration);
        services.AddInboxApiDocument();
        services.AddAntiforgery();
        // As the session cookie: outside Development the anti-forgery cookie goes over HTTPS only.
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((antiforgery, environment) =>
            antiforgery.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        services.AddRazorComponents();

        services.TryAddSingleton<StaffAudit>();
        services.TryAddSingleton<StaffPasswords>();
        services.TryAddSingleton<ILimitKeys>(_ => new LimitKeys());
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<LocalSignIn>();
        services.TryAddSingleton<StaffSessions>();
        services.TryAddSingleton<OidcSignIn>();
        services.TryAddSingleton<StaffAccountCreator>();
        services.TryAddSingleton<StaffAccountChanges>();
        services.TryAddSingleton<StaffContentSecurityPolicy>();
        services.TryAddSingleton<RequestAccess>();
        services.TryAddSingleton<RequestChanges>();
        services.TryAddSingleton<InboxPageData>();
        services.TryAddSingleton<Reports.InboxReports>();
        services.TryAddSingleton<Links.LinkSharing>();
        services.TryAddSingleton<Fhir.RequestBundles>();
        services.AddFhirWebhook(configuration);
        services.AddHostedService<DemoStaffSeeder>();
        return services;
    }

    /// <summary>Maps <c>/inbox</c> (pages), <c>/inbox/assets</c> (styles) and <c>/api/inbox</c> (JSON).</summary>
    public static IEndpointRouteBuilder MapStaffInbox(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        StaffAssets.WarnIfMissing(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StaffAssets).FullName!));
        app.MapStaffAssets();
        app.MapInboxPages();
        app.MapInboxApi();
        app.MapInboxApiDocument();
        return app;
    }
}
