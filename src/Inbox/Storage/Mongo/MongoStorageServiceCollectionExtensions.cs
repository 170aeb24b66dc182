using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Registers the MongoDB store behind every store interface (<c>Storage:Provider=MongoDb</c>).</summary>
public static class MongoStorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Storage:MongoDb</c> at start-up (a missing connection string or database
    /// stops start-up, naming the setting), and registers one <see cref="IMongoClient"/>, one
    /// <see cref="MongoStorage"/> and the MongoDB implementation of each store interface, all singletons.
    /// The indexes are created when the host starts.
    /// </summary>
    public static IServiceCollection AddMongoStorage(this IServiceCollection services, string sectionName = MongoStorageOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);

        services.AddOptions<MongoStorageOptions>().BindConfiguration(sectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MongoStorageOptions>>(new MongoStorageOptionsValidator(sectionName)));

        // One client for the process: it owns the connection pools and server monitoring.
        services.TryAddSingleton<IMongoClient>(sp =>
            new MongoClient(CreateClientSettings(sp.GetRequiredService<IOptions<MongoStorageOptions>>().Value)));
        services.TryAddSingleton(sp => new MongoStorage(
            sp.GetRequiredService<IMongoClient>(),
            sp.GetRequiredService<IOptions<MongoStorageOptions>>().Value,
            sp.GetService<ILogger<MongoStorage>>()));

        services.TryAddSingleton<IConversationStore, MongoConversationStore>();
        services.TryAddSingleton<IRequestStore, MongoRequestStore>();
        services.TryAddSingleton<IOutboxStore, MongoOutboxStore>();
        services.TryAddSingleton<IAuditStore, MongoAuditStore>();
        services.TryAddSingleton<IUsageCounterStore, MongoUsageCounterStore>();
        services.TryAddSingleton<IOptOutStore, MongoOptOutStore>();
        services.TryAddSingleton<IInputIndex, MongoInputIndex>();
        services.TryAddSingleton<IRateCounterStore, MongoRateCounterStore>();
        services.TryAddSingleton<IActivityStore, MongoActivityStore>();
        services.TryAddSingleton<IStaffAccountStore, MongoStaffAccountStore>();
        services.TryAddSingleton<ISentLinkStore, MongoSentLinkStore>();
        services.TryAddSingleton<IMessageStore, MongoMessageStore>();
        services.TryAddSingleton<IAttachmentStore, MongoAttachmentStore>();
        services.TryAddSingleton<IWebhookStore, MongoWebhookStore>();
        services.TryAddSingleton<IKeyRingStore, MongoKeyRingStore>();
        services.TryAddSingleton<IRetentionStore, MongoRetentionStore>();
        services.TryAddSingleton<IStoreHealth, MongoStoreHealth>();
        services.AddHostedService<MongoIndexInitializer>();
        return services;
    }

    /// <summary>
    /// The client settings: the connection string's, with retryable writes and reads always on (a write
    /// interrupted by a failover is retried once, and the server applies it at most once) and the
    /// server selection and connect timeouts from <paramref name="options"/>, so an unreachable server
    /// fails a turn within seconds rather than the driver's default 30.
    /// </summary>
    public static MongoClientSettings CreateClientSettings(MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);

        var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.RetryWrites = true;
        settings.RetryReads = true;
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        settings.ConnectTimeout = options.ConnectTimeout;
        settings.ApplicationName ??= "PatientContact";
        return settings;
    }
}
