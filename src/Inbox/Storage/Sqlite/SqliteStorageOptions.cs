using Microsoft.Extensions.Configuration;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Where the embedded SQLite store keeps its one database file (<c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    public const string SectionName = "Storage:Sqlite";

    /// <summary>Relative to the content root unless rooted.</summary>
    public const string DefaultPath = "data/patientcontact.db";

    /// <summary>
    /// The database file. Development keeps it under the content root by default; a deployment names it, so its
    /// data is not left by accident in a folder the next install replaces.
    /// </summary>
    [RequiredOutsideDevelopment("the SQLite file", When = nameof(IsTheStore))]
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// Free space the file's disk must keep: below it readiness answers 503, so a load balancer sends
    /// patients to a host that can still store their requests and an operator is told before writes fail.
    /// </summary>
    public long MinFreeDiskBytes { get; set; } = DefaultMinFreeDiskBytes;

    public const long DefaultMinFreeDiskBytes = 512L * 1024 * 1024;

    /// <summary>Whether SQLite is the store chosen: only then is its file required.</summary>
    public static bool IsTheStore(IConfiguration configuration) => StorageOptions.Chooses(configuration, StorageProvider.Sqlite);
}
