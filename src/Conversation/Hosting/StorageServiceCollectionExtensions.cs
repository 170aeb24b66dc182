using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Conversation.Hosting;

/// <summary>Chooses the store from <c>Storage:Provider</c>: the embedded SQLite file by default, or MongoDB.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = configuration["Storage:Provider"] ?? "Sqlite";
        if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var path = configuration["Storage:Sqlite:Path"] ?? "data/patientcontact.db";
            if (!Path.IsPathRooted(path))
            {
                path = Path.Combine(environment.ContentRootPath, path);
            }

            return services.AddSqliteStorage(path);
        }

        if (provider.Equals("MongoDb", StringComparison.OrdinalIgnoreCase))
        {
            // Storage:MongoDb:ConnectionString and :Database are validated when the host starts.
            return services.AddMongoStorage(MongoStorageOptions.SectionName);
        }

        throw new InvalidOperationException($"Storage:Provider '{provider}' is not known. Use Sqlite or MongoDb.");
    }
}
