using Microsoft.Extensions.Configuration;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Where the MongoDB store lives and how long the driver waits for it (<c>Storage:MongoDb</c>).</summary>
public sealed class MongoStorageOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Storage:MongoDb";

    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> connection string; may hold a password, so it comes from a secret store.</summary>
    [RequiredOutsideDevelopment("the MongoDB connection string", When = nameof(IsTheStore))]
    public string? ConnectionString { get; set; }

    /// <summary>The database every collection of the service is kept in.</summary>
    [RequiredOutsideDevelopment("the MongoDB database name", When = nameof(IsTheStore))]
    public string? Database { get; set; }

    /// <summary>How long an operation waits to find a usable server before it fails (the driver's default is 30 s).</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long opening one connection may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the readiness check waits for a ping before it calls the store unreachable.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A conversation not written for this long is removed by a TTL index, as a backstop behind the
    /// service's own purge (which acts after <c>Conversation:IdleTimeout</c> and keeps a marker for a day).
    /// </summary>
    public TimeSpan ConversationRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A web chat activity batch is removed by a TTL index this long after it was written, behind the service's own purge.</summary>
    public TimeSpan ActivityRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An applied input's key is removed by a TTL index this long after it was written, behind the service's own purge.</summary>
    public TimeSpan InputRetention { get; set; } = TimeSpan.FromDays(4);

    /// <summary>Whether MongoDB is the store chosen: only then are its connection string and database required.</summary>
    public static bool IsTheStore(IConfiguration configuration) => StorageOptions.Chooses(configuration, StorageProvider.MongoDb);
}
