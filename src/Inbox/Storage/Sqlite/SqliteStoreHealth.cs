using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Readiness of the SQLite store: the file opens, the schema is there, a query runs, and its disk has room.</summary>
public sealed class SqliteStoreHealth(SqliteDatabase database, IOptions<SqliteStorageOptions> options) : IStoreHealth
{
    public async Task<(bool Healthy, string? Reason)> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Type and message only: enough to act on, and no request data can be in them.
            return (false, $"SQLite unavailable ({ex.GetType().Name}): {Shorten(ex.Message)}");
        }

        var free = FreeBytes();
        var needed = options.Value.MinFreeDiskBytes;
        return free is { } bytes && bytes < needed
            ? (false, $"the SQLite file's disk is nearly full: {Megabytes(bytes)} MB free, at least {Megabytes(needed)} MB needed")
            : (true, null);
    }

    /// <summary>Free bytes for this process on the file's disk; null when the system does not say.</summary>
    private long? FreeBytes()
    {
        try
        {
            var folder = Path.GetDirectoryName(database.Path) ?? database.Path;
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static long Megabytes(long bytes) => bytes / (1024 * 1024);

    private static string Shorten(string message) =>
        message.Length <= 200 ? message : message[..200];
}
