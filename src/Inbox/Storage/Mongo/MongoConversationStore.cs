using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Conversations in progress in MongoDB, one document each, with optimistic concurrency on its version:
/// version 1 is an insert that the unique <c>_id</c> refuses when another writer got there first; any
/// later version replaces the document only while it is still at the version before. A written version's applied
/// input and count follow it, each its own small write (MongoDB has no single writer to queue behind).
/// </summary>
public sealed partial class MongoConversationStore(MongoStorage storage, ILogger<MongoConversationStore>? logger = null) : IConversationStore
{
    private readonly MongoInputIndex _inputs = new(storage);
    private readonly MongoRateCounterStore _counts = new(storage);
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    private static readonly FilterDefinitionBuilder<ConversationDocument> Filter = Builders<ConversationDocument>.Filter;

    public async Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = await storage.Conversations.Find(ByKey(key)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document?.ToRecord();
    }

    public async Task<ConversationRead> GetWithInputAsync(string key, string appliedInput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(appliedInput);
        // Two collections: both asked at once, so the turn waits for one round trip, not two.
        var record = GetAsync(key, cancellationToken);
        var applied = _inputs.ContainsAsync(appliedInput, cancellationToken);
        return new ConversationRead(await record.ConfigureAwait(false), await applied.ConfigureAwait(false));
    }

    public async Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfLessThan(record.Version, 1);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = ConversationDocument.From(record, storage.ExpiresAt(storage.Options.ConversationRetention));

        if (!await TryWriteAsync(record, document, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await RecordTurnAsync(record, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> TryWriteAsync(ConversationRecord record, ConversationDocument document, CancellationToken cancellationToken)
    {
        if (record.Version == 1)
        {
            try
            {
                await storage.Conversations.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
            {
                return false;
            }
        }

        var result = await storage.Conversations
            .ReplaceOneAsync(AtVersion(record.Key, record.Version - 1), document, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.MatchedCount == 1;
    }

    /// <summary>
    /// The written turn's input and count. The conversation is stored already, so a fault here is logged and passed
    /// over: the session's own memory still answers an immediate retry, and a limit misses one text at worst.
    /// </summary>
    private async Task RecordTurnAsync(ConversationRecord record, CancellationToken cancellationToken)
    {
        try
        {
            if (record.AppliedInput is { } input)
            {
                await _inputs.AddAsync(input, record.UpdatedAt, cancellationToken).ConfigureAwait(false);
            }

            if (record.Counted is { } count)
            {
                await _counts.IncrementAsync(count.Key, count.WindowStart, count.ExpiresAt, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTurnNotRecorded(_logger, ex.GetType().Name);
        }
    }

    public async Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        var take = MongoLimits.Clamp(limit);
        if (take == 0)
        {
            return [];
        }

        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var documents = await storage.Conversations
            .Find(IdleFilter(cutoff))
            .Sort(IdleSort)
            .Limit(take)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return documents.ConvertAll(d => d.ToRecord());
    }

    public async Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var result = await storage.Conversations.DeleteOneAsync(AtVersion(key, version), cancellationToken).ConfigureAwait(false);
        return result.DeletedCount == 1;
    }

    internal static FilterDefinition<ConversationDocument> ByKey(string key) => Filter.Eq(d => d.Id, key);

    internal static FilterDefinition<ConversationDocument> AtVersion(string key, long version) =>
        Filter.Eq(d => d.Id, key) & Filter.Eq(d => d.Version, version);

    internal static FilterDefinition<ConversationDocument> IdleFilter(DateTimeOffset cutoff) => Filter.Lt(d => d.UpdatedAt, cutoff);

    internal static readonly SortDefinition<ConversationDocument> IdleSort =
        Builders<ConversationDocument>.Sort.Ascending(d => d.UpdatedAt).Ascending(d => d.Id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored turn's applied input or limit count could not be recorded ({Error}); a much later repeat of it may be applied again")]
    private static partial void LogTurnNotRecorded(ILogger logger, string error);
}
