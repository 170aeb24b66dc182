namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Readiness of the SQLite store: the file opens, the schema is there, and a query runs.</summary>
public sealed class SqliteStoreHealth(SqliteDatabase database) : IStoreHealth
{
    public async Task<(bool Healthy, string? Reason)> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return (true, null);
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
    }

    private static string Shorten(string message) =>
        message.Length <= 200 ? message : message[..200];
}
