using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>Direct Line activity batches in SQLite: one row per batch, numbered per conversation.</summary>
public sealed class SqliteActivityStore(SqliteDatabase database) : IActivityStore
{
    public async Task<ActivityBatch> AppendAsync(
        string conversationId,
        string? clientActivityId,
        IReadOnlyList<string> activities,
        DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(activities);
        var json = JsonSerializer.Serialize(activities);

        // Every post appends and every poll reads: the statements stay prepared on kept connections.
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        // One statement: SQLite holds the write lock from reading the last sequence to the insert,
        // so two appends can never take the same number. A repeated client id hits the unique
        // index and inserts nothing.
        var insert = writer.Prepared.Prepared("""
            INSERT INTO activity_batches (conversation_id, sequence, client_activity_id, activities, at)
            SELECT @conversation_id, COALESCE(MAX(sequence), 0) + 1, @client_activity_id, @activities, @at
            FROM activity_batches WHERE conversation_id = @conversation_id
            ON CONFLICT DO NOTHING
            RETURNING sequence;
            """);
        insert
            .With("@conversation_id", conversationId)
            .With("@client_activity_id", clientActivityId)
            .With("@activities", json)
            .With("@at", SqliteValues.Time(at));
        if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long sequence)
        {
            return new ActivityBatch(conversationId, sequence, clientActivityId, [.. activities], at);
        }

        if (clientActivityId is null)
        {
            throw new InvalidOperationException("An activity batch without a client id was not stored.");
        }

        var read = writer.Prepared.Prepared("""
            SELECT conversation_id, sequence, client_activity_id, activities, at FROM activity_batches
            WHERE conversation_id = @conversation_id AND client_activity_id = @client_activity_id;
            """);
        read.With("@conversation_id", conversationId).With("@client_activity_id", clientActivityId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? Read(reader)
            : throw new InvalidOperationException("An activity batch was refused but no earlier batch has its client id.");
    }

    public async Task<IReadOnlyList<ActivityBatch>> ListAfterAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        using var lease = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var command = lease.Prepared("""
            SELECT conversation_id, sequence, client_activity_id, activities, at FROM activity_batches
            WHERE conversation_id = @conversation_id AND sequence > @after
            ORDER BY sequence ASC
            LIMIT @limit;
            """);
        command
            .With("@conversation_id", conversationId)
            .With("@after", afterSequence)
            .With("@limit", SqliteValues.Limit(limit));
        var batches = new List<ActivityBatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batches.Add(Read(reader));
        }
        return batches;
    }

    public async Task<int> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var writer = await database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand();
        // A conversation goes whole, and only when none of its batches is recent: its last one is
        // older than the cutoff. One statement, so a batch appended meanwhile keeps it.
        command.CommandText = """
            DELETE FROM activity_batches WHERE conversation_id IN (
                SELECT DISTINCT old.conversation_id FROM activity_batches AS old
                WHERE old.at < @cutoff
                  AND NOT EXISTS (
                      SELECT 1 FROM activity_batches AS recent
                      WHERE recent.conversation_id = old.conversation_id AND recent.at >= @cutoff));
            """;
        command.With("@cutoff", SqliteValues.Time(cutoff));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ActivityUsage> UsageAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        using var lease = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        // LENGTH of a BLOB counts bytes; of TEXT it would count characters.
        var command = lease.Prepared("""
            SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(activities AS BLOB))), 0) FROM activity_batches
            WHERE conversation_id = @conversation_id;
            """);
        command.With("@conversation_id", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ActivityUsage(reader.GetInt64(0), reader.GetInt64(1));
    }

    private static ActivityBatch Read(SqliteDataReader reader) => new(
        ConversationId: reader.GetString(0),
        Sequence: reader.GetInt64(1),
        ClientActivityId: reader.GetNullableString(2),
        Activities: JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [],
        At: SqliteValues.ReadTime(reader.GetString(4)));
}
