using Microsoft.Extensions.Configuration;

namespace PatientContact.Inbox.Storage;

/// <summary>The stores the service can keep its data in.</summary>
public enum StorageProvider
{
    /// <summary>The embedded SQLite file (<c>Storage:Sqlite:*</c>), for one instance.</summary>
    Sqlite,

    /// <summary>MongoDB (<c>Storage:MongoDb:*</c>), which several instances can share.</summary>
    MongoDb,
}

/// <summary>
/// The choice of store (section <c>Storage</c>). <see cref="StorageServiceCollectionExtensions.AddStorage"/> reads
/// <c>Storage:Provider</c> as text, SQLite when unset, so an unknown store is named in its own message.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    [RequiredOutsideDevelopment("the store: Sqlite or MongoDb")]
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Whether <c>Storage:Provider</c> names <paramref name="provider"/>: only then are that store's settings required.</summary>
    public static bool Chooses(IConfiguration configuration, StorageProvider provider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.Equals(configuration[$"{SectionName}:{nameof(Provider)}"], provider.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
