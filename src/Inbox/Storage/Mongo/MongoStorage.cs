using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// The one MongoDB database behind the MongoDB stores: its collections, with the settings each needs,
/// and the indexes they rely on, created once (at start-up, or by the first operation if the server
/// could not be reached then) before any store reads or writes.
/// </summary>
public sealed partial class MongoStorage
{
    /// <summary>
    /// For submissions: acknowledged by a majority of the replica set and written to their journals, so
    /// a reference ID is only ever given for a request that survives the loss of the primary.
    /// </summary>
    public static readonly WriteConcern SubmissionWriteConcern = WriteConcern.WMajority.With(journal: true);

    private readonly ILogger _logger;
    private readonly TimeProvider _wallClock;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _ready;

    /// <param name="client">The process's one client (see <see cref="MongoStorageServiceCollectionExtensions.CreateClientSettings"/>).</param>
    /// <param name="options">The database name and retention times.</param>
    /// <param name="logger">Where index creation is reported.</param>
    /// <param name="wallClock">
    /// The clock TTL expiry times are taken from. MongoDB's TTL monitor compares them with the server's
    /// real clock, so this is the real clock too, never the service's (testable) business clock.
    /// </param>
    public MongoStorage(IMongoClient client, MongoStorageOptions options, ILogger<MongoStorage>? logger = null, TimeProvider? wallClock = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Database);
        MongoClassMaps.EnsureRegistered();

        Options = options;
        _logger = logger ?? NullLogger<MongoStorage>.Instance;
        _wallClock = wallClock ?? TimeProvider.System;

        // Reads go to the primary whatever the connection string says: a version check against a
        // lagging secondary would let a stale write through.
        Database = client.GetDatabase(options.Database, new MongoDatabaseSettings { ReadPreference = ReadPreference.Primary });
        Conversations = Database.GetCollection<ConversationDocument>(CollectionNames.Conversations);
        Requests = Database.GetCollection<RequestDocument>(CollectionNames.Requests).WithWriteConcern(SubmissionWriteConcern);
        Outbox = Database.GetCollection<OutboxMessage>(CollectionNames.Outbox);
        Audit = Database.GetCollection<AuditDocument>(CollectionNames.Audit);
        UsageCounters = Database.GetCollection<UsageCounterDocument>(CollectionNames.UsageCounters);
        OptOuts = Database.GetCollection<OptOutDocument>(CollectionNames.OptOuts);
        Activities = Database.GetCollection<ActivityBatchDocument>(CollectionNames.Activities);
        StaffAccounts = Database.GetCollection<StaffAccountDocument>(CollectionNames.StaffAccounts);
        SentLinks = Database.GetCollection<SentLink>(CollectionNames.SentLinks);
        Messages = Database.GetCollection<RequestMessage>(CollectionNames.Messages);
        AppliedInputs = Database.GetCollection<AppliedInputDocument>(CollectionNames.AppliedInputs);
        RateCounters = Database.GetCollection<RateCounterDocument>(CollectionNames.RateCounters);
        RateBackoffs = Database.GetCollection<RateBackoffDocument>(CollectionNames.RateBackoffs);
        Attachments = new GridFSBucket<string>(Database, new GridFSBucketOptions
        {
            BucketName = CollectionNames.Attachments,
            WriteConcern = SubmissionWriteConcern,
            ReadPreference = ReadPreference.Primary,
        });
        // Journalled on a majority, as the request it goes with: the delivery is written first.
        WebhookDeliveries = Database.GetCollection<WebhookDelivery>(CollectionNames.WebhookDeliveries).WithWriteConcern(SubmissionWriteConcern);
        // A key another host cannot read is a sign-in lost there: written to a majority, read from the primary.
        KeyRing = Database.GetCollection<KeyRingDocument>(CollectionNames.KeyRing)
            .WithWriteConcern(SubmissionWriteConcern).WithReadPreference(ReadPreference.Primary);
    }

    /// <summary>The database's name.</summary>
    public string DatabaseName => Database.DatabaseNamespace.DatabaseName;

    internal MongoStorageOptions Options { get; }
    internal IMongoDatabase Database { get; }
    internal IMongoCollection<ConversationDocument> Conversations { get; }
    /// <summary>Every write here, the submission and staff changes alike, waits for <see cref="SubmissionWriteConcern"/>.</summary>
    internal IMongoCollection<RequestDocument> Requests { get; }
    internal IMongoCollection<OutboxMessage> Outbox { get; }
    internal IMongoCollection<AuditDocument> Audit { get; }
    internal IMongoCollection<UsageCounterDocument> UsageCounters { get; }
    internal IMongoCollection<OptOutDocument> OptOuts { get; }
    internal IMongoCollection<ActivityBatchDocument> Activities { get; }
    internal IMongoCollection<StaffAccountDocument> StaffAccounts { get; }
    internal IMongoCollection<SentLink> SentLinks { get; }
    internal IMongoCollection<RequestMessage> Messages { get; }
    internal IMongoCollection<AppliedInputDocument> AppliedInputs { get; }
    internal IMongoCollection<RateCounterDocument> RateCounters { get; }
    internal IMongoCollection<RateBackoffDocument> RateBackoffs { get; }
    /// <summary>Photos, by id; written with <see cref="SubmissionWriteConcern"/> like the requests they belong to.</summary>
    internal IGridFSBucket<string> Attachments { get; }
    internal IMongoCollection<WebhookDelivery> WebhookDeliveries { get; }
    internal IMongoCollection<KeyRingDocument> KeyRing { get; }

    /// <summary>When a record written now may be removed by a TTL index.</summary>
    internal DateTimeOffset ExpiresAt(TimeSpan retention) => _wallClock.GetUtcNow() + retention;

    /// <summary>
    /// Creates the indexes if this process has not yet. Safe to call again and from several hosts at
    /// once: creating an index that exists with the same definition does nothing.
    /// </summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken = default)
    {
        if (_ready)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            var created = await MongoIndexes.CreateAllAsync(this, cancellationToken).ConfigureAwait(false);
            _ready = true;
            LogReady(_logger, DatabaseName, created);
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Awaited by every store operation: no write reaches a collection before its unique indexes exist.</summary>
    internal ValueTask ReadyAsync(CancellationToken cancellationToken) =>
        _ready ? ValueTask.CompletedTask : new ValueTask(EnsureIndexesAsync(cancellationToken));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "MongoDB store ready in database {Database} ({IndexCount} indexes checked)")]
    private static partial void LogReady(ILogger logger, string database, int indexCount);

    /// <summary>The collections' names, as an operator sees them in the database.</summary>
    public static class CollectionNames
    {
        public const string Conversations = "conversations";
        public const string Requests = "requests";
        public const string Outbox = "outbox";
        public const string Audit = "audit";
        public const string UsageCounters = "usageCounters";
        public const string OptOuts = "optOuts";
        public const string Activities = "activities";
        public const string StaffAccounts = "staffAccounts";
        public const string SentLinks = "sentLinks";
        public const string Messages = "messages";
        public const string AppliedInputs = "appliedInputs";
        public const string RateCounters = "rateCounters";
        public const string RateBackoffs = "rateBackoffs";
        /// <summary>The GridFS bucket of photos: <c>attachments.files</c> and <c>attachments.chunks</c>.</summary>
        public const string Attachments = "attachments";
        public const string WebhookDeliveries = "webhookDeliveries";
        public const string KeyRing = "keyRing";
    }
}
