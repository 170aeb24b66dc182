using Microsoft.AspNetCore.DataProtection;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// Keeps the Data Protection keys (staff sign-in cookies, anti-forgery tokens) in the folder
/// <c>DataProtection:KeyPath</c>, so they survive restarts and every instance sharing the folder
/// reads the others' cookies. Without it (Development) the framework's per-user default is used.
/// </summary>
public static class DataProtectionServiceCollectionExtensions
{
    public const string ApplicationName = "PatientContact";

    public static IServiceCollection AddDataProtectionKeyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // A fixed name, not the content root path: instances installed in different folders share keys.
        var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (configuration["DataProtection:KeyPath"] is { Length: > 0 } path)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(path));
        }

        return services;
    }
}
