namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Where the embedded SQLite store keeps its one database file.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Relative to the content root unless rooted.</summary>
    public const string DefaultPath = "data/patientcontact.db";

    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// Free space the file's disk must keep: below it readiness answers 503, so a load balancer sends
    /// patients to a host that can still store their requests and an operator is told before writes fail.
    /// </summary>
    public long MinFreeDiskBytes { get; set; } = DefaultMinFreeDiskBytes;

    public const long DefaultMinFreeDiskBytes = 512L * 1024 * 1024;
}
