namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Where the embedded SQLite store keeps its one database file.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Relative to the content root unless rooted.</summary>
    public const string DefaultPath = "data/patientcontact.db";

    public string Path { get; set; } = DefaultPath;
}
