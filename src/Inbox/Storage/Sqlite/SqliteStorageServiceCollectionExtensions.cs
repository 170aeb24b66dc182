using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Registers the embedded SQLite store behind every store interface.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SqliteDatabase"/> (the file and its schema are created on first use) and
    /// the SQLite implementation of each store interface, all singletons. A relative
    /// <paramref name="databasePath"/> is taken from the content root.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath, long minFreeDiskBytes = SqliteStorageOptions.DefaultMinFreeDiskBytes)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentOutOfRangeException.ThrowIfNegative(minFreeDiskBytes);

        services.AddOptions<SqliteStorageOptions>().Configure(o =>
        {
            o.Path = databasePath;
            o.MinFreeDiskBytes = minFreeDiskBytes;
        });

        services.TryAddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Path;
            if (!System.IO.Path.IsPathRooted(path))
            {
                var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
                path = System.IO.Path.Combine(contentRoot, path);
            }
            return new SqliteDatabase(path, sp.GetService<ILogger<SqliteDatabase>>());
        });

        services.TryAddSingleton<IConversationStore, SqliteConversationStore>();
        services.TryAddSingleton<IRequestStore, SqliteRequestStore>();
        services.TryAddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.TryAddSingleton<IAuditStore, SqliteAuditStore>();
        services.TryAddSingleton<IUsageCounterStore, SqliteUsageCounterStore>();
        services.TryAddSingleton<IOptOutStore, SqliteOptOutStore>();
        services.TryAddSingleton<IInputIndex, SqliteInputIndex>();
        services.TryAddSingleton<IRateCounterStore, SqliteRateCounterStore>();
        services.TryAddSingleton<IStaffAccountStore, SqliteStaffStore>();
        services.TryAddSingleton<IActivityStore, SqliteActivityStore>();
        services.TryAddSingleton<ISentLinkStore, SqliteSentLinkStore>();
        services.TryAddSingleton<IMessageStore, SqliteMessageStore>();
        services.TryAddSingleton<IAttachmentStore, SqliteAttachmentStore>();
        services.TryAddSingleton<IWebhookStore, SqliteWebhookStore>();
        services.TryAddSingleton<IKeyRingStore, SqliteKeyRingStore>();
        services.TryAddSingleton<IRetentionStore, SqliteRetentionStore>();
        services.TryAddSingleton<IStoreHealth, SqliteStoreHealth>();
        return services;
    }
}
