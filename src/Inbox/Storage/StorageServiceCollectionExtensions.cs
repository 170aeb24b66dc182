using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Storage;

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

            var minFree = configuration.GetValue("Storage:Sqlite:MinFreeDiskBytes", SqliteStorageOptions.DefaultMinFreeDiskBytes);
            if (minFree < 0)
            {
                throw new InvalidOperationException("Storage:Sqlite:MinFreeDiskBytes must be 0 or more.");
            }

            return services.AddSqliteStorage(path, minFree);
        }

        if (provider.Equals("MongoDb", StringComparison.OrdinalIgnoreCase))
        {
            // Storage:MongoDb:ConnectionString and :Database are validated when the host starts.
            return services.AddMongoStorage(MongoStorageOptions.SectionName);
        }

        throw new InvalidOperationException($"Storage:Provider '{provider}' is not known. Use Sqlite or MongoDb.");
    }
}
