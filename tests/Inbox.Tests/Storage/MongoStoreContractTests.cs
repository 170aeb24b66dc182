using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Tests.Support;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>
/// The store contract against MongoDB: the wire-compatible test server by default, a real MongoDB when
/// <c>PATIENTCONTACT_TEST_MONGODB</c> names one. Each test has a database of its own. Below the
/// contract: what only the MongoDB store has (indexes, document shapes, TTL times, search that no text
/// can turn into an operator or a pattern).
/// </summary>
[Collection(MongoServerCollection.Name)]
public sealed class MongoStoreContractTests(MongoTestServer server) : StoreContractTests
{
    private readonly string _database = server.NewDatabaseName("contract");
    private readonly List<MongoClient> _clients = [];
    private MongoStorage _storage = null!;

    protected override bool SupportsAtomicConcurrentClaims => server.IsRealServer;

    protected override Task<StoreSet> CreateStoresAsync()
    {
        _storage = new MongoStorage(server.Client, Options());
        return Task.FromResult(Open(_storage));
    }

    protected override Task<StoreSet> ReopenStoresAsync()
    {
        // Like a new process: a client of its own, nothing cached, the indexes checked again.
        var client = new MongoClient(server.ClientSettings());
        _clients.Add(client);
        return Task.FromResult(Open(new MongoStorage(client, Options())));
    }

    protected override Task<IStoreHealth> CreateUnreachableHealthAsync()
    {
        var options = Options();
        options.ConnectionString = $"mongodb://127.0.0.1:{MongoTestServer.ClosedPort()}/?directConnection=true";
        options.ServerSelectionTimeout = TimeSpan.FromSeconds(1);
        options.HealthTimeout = TimeSpan.FromSeconds(1);
        var client = new MongoClient(MongoStorageServiceCollectionExtensions.CreateClientSettings(options));
        _clients.Add(client);
        return Task.FromResult<IStoreHealth>(new MongoStoreHealth(new MongoStorage(client, options)));
    }

    protected override async Task DisposeStoresAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task An_audit_line_left_on_a_request_by_a_stopped_writer_is_copied_once_on_the_next_change_and_at_start()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345"));
        await Stores.Requests.AddAsync(Request("WXYZ-2345"));
        // As a writer leaves them that stopped after its change and before copying its line into audit.
        var left = AuditDocument.From(new AuditEntry(T0.AddMinutes(1), "alice@surgery-a.example", "request.assigned", "surgery-a", "ABCD-2345", "to alice"));
        var other = AuditDocument.From(new AuditEntry(T0.AddMinutes(1), "bob@surgery-a.example", "request.note-added", "surgery-a", "WXYZ-2345", null));
        foreach (var (id, line) in new[] { ("ABCD-2345", left), ("WXYZ-2345", other) })
        {
            var stored = (await Stores.Requests.GetAsync(id))!;
            await _storage.Requests.ReplaceOneAsync(d => d.Id == id, RequestDocument.From(stored with { AssignedTo = line.Actor, Version = 2 }) with { PendingAudit = [line] });
        }

        // The next change of that request copies the line first, and is not lost over it.
        var next = (await Stores.Requests.GetAsync("ABCD-2345"))! with { Status = RequestStatus.Done, Version = 3 };
        var closed = new AuditEntry(T0.AddMinutes(2), "alice@surgery-a.example", "request.status-changed", "surgery-a", "ABCD-2345", "new -> done");
        (await Stores.Requests.TryUpdateAsync(next, closed)).ShouldBeTrue();
        (await Stores.Audit.QueryAsync(new AuditQuery { ReferenceId = "ABCD-2345" })).ShouldBe([left.ToEntry(), closed]);
        (await Stores.Requests.GetAsync("ABCD-2345"))!.Status.ShouldBe(RequestStatus.Done);

        // A start copies what is left elsewhere; copying again adds nothing.
        (await MongoRequestStore.MovePendingAuditAsync(_storage, CancellationToken.None)).ShouldBe(1);
        (await MongoRequestStore.MovePendingAuditAsync(_storage, CancellationToken.None)).ShouldBe(0);
        (await Stores.Audit.QueryAsync(new AuditQuery { ReferenceId = "WXYZ-2345" })).ShouldBe([other.ToEntry()]);
        (await _storage.Requests.CountDocumentsAsync(Builders<RequestDocument>.Filter.Exists(d => d.PendingAudit))).ShouldBe(0);
    }

    [Fact]
    public async Task Audit_lines_left_on_staff_accounts_by_a_stopped_writer_are_copied_once_and_a_removal_finished()
    {
        var admin = "admin@surgery-a.example";
        var alice = StaffAccount("alice@surgery-a.example") with { Disabled = false };
        var bob = StaffAccount("bob@surgery-a.example") with { Disabled = false };
        await Stores.Staff.AddAsync(alice);
        await Stores.Staff.AddAsync(bob);
        // As a writer leaves them that stopped after its write and before copying its line into audit: Alice disabled, Bob removed.
        var disabled = AuditDocument.From(new AuditEntry(T0.AddMinutes(1), admin, "staff.account-disabled", null, null, alice.Email));
        var removed = AuditDocument.From(new AuditEntry(T0.AddMinutes(1), admin, "staff.account-removed", null, null, bob.Email));
        await _storage.StaffAccounts.ReplaceOneAsync(d => d.Id == alice.Email, StaffAccountDocument.From(alice with { Disabled = true, Version = 2 }) with { PendingAudit = [disabled] });
        await _storage.StaffAccounts.ReplaceOneAsync(d => d.Id == bob.Email, StaffAccountDocument.From(bob) with { PendingAudit = [removed], Removed = true });

        // A removed account reads as none at once, and its email can be given to a new account, which finishes the removal first.
        (await Stores.Staff.GetAsync(bob.Email)).ShouldBeNull();
        (await Stores.Staff.ListForServiceAsync("surgery-a")).Select(a => a.Email).ShouldBe([alice.Email]);

        // The next change of Alice copies her line first, and is not lost over it.
        var enabled = new AuditEntry(T0.AddMinutes(2), admin, "staff.account-enabled", null, null, alice.Email);
        (await Stores.Staff.TryUpdateAsync(alice with { Disabled = false, Version = 3 }, enabled)).ShouldBeTrue();
        (await Stores.Audit.QueryAsync(new AuditQuery { Actor = admin })).ShouldBe([disabled.ToEntry(), enabled]);

        // A start copies what is left elsewhere and deletes the removed account; doing it again adds nothing.
        (await MongoStaffAccountStore.MovePendingAuditAsync(_storage, CancellationToken.None)).ShouldBe(1);
        (await MongoStaffAccountStore.MovePendingAuditAsync(_storage, CancellationToken.None)).ShouldBe(0);
        (await Stores.Audit.QueryAsync(new AuditQuery { Actor = admin })).ShouldBe([disabled.ToEntry(), removed.ToEntry(), enabled], ignoreOrder: true);
        (await _storage.StaffAccounts.CountDocumentsAsync(d => d.Id == bob.Email)).ShouldBe(0);
        (await Stores.Staff.AddAsync(bob)).ShouldBe(AddResult.Added);
    }

    [Fact]
    public async Task Indexes_are_made_on_first_use_and_making_them_again_changes_nothing()
    {
        await Stores.Health.CheckAsync();
        var first = await IndexesOf(MongoStorage.CollectionNames.Requests);

        await new MongoStorage(server.Client, Options()).EnsureIndexesAsync();

        (await IndexesOf(MongoStorage.CollectionNames.Requests)).Select(i => i.ToJson()).ShouldBe(first.Select(i => i.ToJson()));
        first.Select(i => i["name"].AsString).ShouldBe(
            ["_id_", "serviceId_status_createdAt", "serviceId_createdAt", "referenceKey", "serviceId_urgency_createdAt", "serviceId_assignedTo_createdAt", "pendingAudit", "matchStatus_matchReason_createdAt", "serviceId_contactPhone_createdAt"], ignoreOrder: true);
        first.Single(i => i["name"] == "serviceId_status_createdAt")["key"]
            .ShouldBe(BsonDocument.Parse("""{ "request.serviceId": 1, "request.status": 1, "request.createdAt": -1 }"""));
    }

    [Fact]
    public async Task Unique_ttl_and_partial_indexes_are_in_place()
    {
        await Stores.Health.CheckAsync();

        var outbox = await IndexesOf(MongoStorage.CollectionNames.Outbox);
        var idempotency = outbox.Single(i => i["name"] == "idempotencyKey_unique");
        idempotency["unique"].ToBoolean().ShouldBeTrue();
        idempotency["partialFilterExpression"].ShouldBe(BsonDocument.Parse("""{ "idempotencyKey": { "$type": 2 } }"""));
        outbox.Single(i => i["name"] == "status_nextAttemptAt")["key"].ShouldBe(BsonDocument.Parse("""{ "status": 1, "nextAttemptAt": 1 }"""));

        var activities = await IndexesOf(MongoStorage.CollectionNames.Activities);
        activities.Single(i => i["name"] == "conversationId_sequence_unique")["unique"].ToBoolean().ShouldBeTrue();
        activities.Single(i => i["name"] == "conversationId_clientActivityId_unique")["unique"].ToBoolean().ShouldBeTrue();
        activities.Single(i => i["name"] == "expiresAt_ttl")["expireAfterSeconds"].ToInt32().ShouldBe(0);

        var sentLinks = await IndexesOf(MongoStorage.CollectionNames.SentLinks);
        var tokenHash = sentLinks.Single(i => i["name"] == "tokenHash_unique");
        tokenHash["unique"].ToBoolean().ShouldBeTrue();
        tokenHash["partialFilterExpression"].ShouldBe(BsonDocument.Parse("""{ "tokenHash": { "$type": 2 } }"""));
        sentLinks.Single(i => i["name"] == "serviceId_sentAt")["key"].ShouldBe(BsonDocument.Parse("""{ "serviceId": 1, "sentAt": -1 }"""));
        sentLinks.ShouldNotContain(i => i.Contains("expireAfterSeconds"), "sent links are kept as the record of what was sent");

        (await IndexesOf(MongoStorage.CollectionNames.Conversations)).Single(i => i["name"] == "expiresAt_ttl")["expireAfterSeconds"].ToInt32().ShouldBe(0);
        (await IndexesOf(MongoStorage.CollectionNames.UsageCounters)).Single(i => i["name"] == "serviceId_counter_day_unique")["unique"].ToBoolean().ShouldBeTrue();
        (await IndexesOf(MongoStorage.CollectionNames.Requests)).ShouldNotContain(i => i.Contains("expireAfterSeconds"), "no request is ever removed by the store");
        (await IndexesOf(MongoStorage.CollectionNames.Audit)).ShouldNotContain(i => i.Contains("expireAfterSeconds"), "the audit trail is kept");
    }

    [Fact]
    public async Task Stored_request_is_a_readable_document_in_camel_case_with_enum_names()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345", firstName: "Zoë") with { Status = RequestStatus.InProgress });

        var document = await Raw(MongoStorage.CollectionNames.Requests).Find(new BsonDocument("_id", "ABCD-2345")).SingleAsync();

        document["search"].ShouldBe(BsonDocument.Parse("""{ "referenceKey": "ABCD2345", "firstName": "zoë", "lastName": "lovelace", "urgency": 0 }"""));
        var request = document["request"].AsBsonDocument;
        request["referenceId"].ShouldBe(new BsonString("ABCD-2345"));
        request["status"].ShouldBe(new BsonString("InProgress"));
        request["channel"].ShouldBe(new BsonString("WebChat"));
        request["createdAt"].ShouldBe(new BsonDateTime(T0.UtcDateTime));
        request["patient"]["dateOfBirth"].ShouldBe(new BsonString("1985-12-10"));
        request["version"].ShouldBe(new BsonInt64(1));
    }

    [Fact]
    public async Task Outbox_text_is_stored_under_its_id_as_a_string()
    {
        var text = Text(idempotencyKey: "otp:1");
        await Stores.Outbox.EnqueueAsync(text);

        var document = await Raw(MongoStorage.CollectionNames.Outbox).Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        document["_id"].ShouldBe(new BsonString(text.Id.ToString("D")));
        document["status"].ShouldBe(new BsonString("Pending"));
        document["to"].ShouldBe(new BsonString(text.To));
    }

    [Fact]
    public async Task Conversations_and_activity_batches_carry_a_ttl_time_from_the_real_clock()
    {
        var before = DateTimeOffset.UtcNow;
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1, T0));
        await Stores.Activities.AppendAsync("conv-a", "open", ["{}"], T0);
        var after = DateTimeOffset.UtcNow;

        var conversation = await Raw(MongoStorage.CollectionNames.Conversations).Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();
        var batch = await Raw(MongoStorage.CollectionNames.Activities).Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        // Not from the record's own time (T0, long past): the TTL monitor compares with the server's clock.
        ShouldBeBetween(conversation["expiresAt"], before + Options().ConversationRetention, after + Options().ConversationRetention);
        ShouldBeBetween(batch["expiresAt"], before + Options().ActivityRetention, after + Options().ActivityRetention);
        conversation["updatedAt"].ShouldBe(new BsonDateTime(T0.UtcDateTime));
    }

    [Theory]
    [InlineData(".*")]
    [InlineData("^")]
    [InlineData("a|e")]
    [InlineData("[a-z]")]
    [InlineData("""{"$gt": ""}""")]
    [InlineData("""{"$ne": null}""")]
    [InlineData("$where")]
    public async Task Search_text_is_never_a_pattern_or_an_operator(string search)
    {
        await Stores.Requests.AddAsync(Request("AAAA-0001", firstName: "Ada", lastName: "Lovelace"));
        await Stores.Requests.AddAsync(Request("BBBB-0002", firstName: "Grace", lastName: "Hopper"));

        var page = await Stores.Requests.ListAsync(new RequestQuery { ServiceIds = ["surgery-a"], Search = search });

        page.Items.ShouldBeEmpty();
        page.Total.ShouldBe(0);
    }

    [Fact]
    public async Task Name_holding_pattern_characters_is_found_by_them_as_text()
    {
        await Stores.Requests.AddAsync(Request("AAAA-0001", lastName: "O'Neil (Jr.)"));
        await Stores.Requests.AddAsync(Request("BBBB-0002", lastName: "ONeil Jr"));

        var page = await Stores.Requests.ListAsync(new RequestQuery { ServiceIds = ["surgery-a"], Search = "(jr.)" });

        page.Items.Select(r => r.ReferenceId).ShouldBe(["AAAA-0001"]);
    }

    [Fact]
    public async Task Stored_sent_links_keep_the_token_hash_only_where_there_is_one()
    {
        var followUp = FollowUpLink();
        await Stores.SentLinks.AddAsync(followUp);
        await Stores.SentLinks.AddAsync(GeneralLink("link-g"));

        var followUpDocument = await Raw(MongoStorage.CollectionNames.SentLinks).Find(new BsonDocument("_id", "link-1")).SingleAsync();
        var generalDocument = await Raw(MongoStorage.CollectionNames.SentLinks).Find(new BsonDocument("_id", "link-g")).SingleAsync();

        followUpDocument["tokenHash"].ShouldBe(new BsonString(followUp.TokenHash!));
        followUpDocument["kind"].ShouldBe(new BsonString("FollowUp"));
        followUpDocument["dateOfBirth"].ShouldBe(new BsonString("1931-02-28"));
        followUpDocument["sentAt"].ShouldBe(new BsonDateTime(T0.UtcDateTime));
        generalDocument["tokenHash"].ShouldBe(BsonNull.Value, "a general link is outside the unique index's partial filter");
    }

    [Fact]
    public void Submissions_wait_for_a_majority_and_the_journal()
    {
        _storage.Requests.Settings.WriteConcern.ShouldBe(WriteConcern.WMajority.With(journal: true));
        _storage.Requests.Settings.WriteConcern.IsAcknowledged.ShouldBeTrue();
    }

    [Fact]
    public async Task Requests_stored_before_the_urgency_was_kept_get_it_from_their_red_flags_at_start_up()
    {
        await Stores.Requests.AddAsync(Request("AAAA-0001", createdAt: T0));
        await Stores.Requests.AddAsync(Request("AAAA-0002", createdAt: T0.AddMinutes(1)) with { RedFlags = [new RedFlagHit("self-harm", "urgent", "Call 111.")] });
        await Stores.Requests.AddAsync(Request("AAAA-0003", createdAt: T0.AddMinutes(2)) with { RedFlags = [new RedFlagHit("self-harm", "urgent", "Call 111."), new RedFlagHit("chest-pain", "emergency", "Call 999.")] });
        // As an older build wrote them: no urgency among the search keys.
        await Raw(MongoStorage.CollectionNames.Requests).UpdateManyAsync(FilterDefinition<BsonDocument>.Empty, Builders<BsonDocument>.Update.Unset("search.urgency"));

        var restarted = await ReopenStoresAsync();
        var sorted = await restarted.Requests.ListAsync(new RequestQuery { ServiceIds = ["surgery-a"], Sort = RequestSort.Urgency });

        sorted.Items.Select(r => r.ReferenceId).ShouldBe(["AAAA-0003", "AAAA-0002", "AAAA-0001"]);
        (await Raw(MongoStorage.CollectionNames.Requests).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync())
            .Select(d => (d["_id"].AsString, d["search"]["urgency"].AsInt32))
            .OrderBy(d => d.Item1)
            .ShouldBe([("AAAA-0001", 0), ("AAAA-0002", 1), ("AAAA-0003", 2)]);
    }

    private static void ShouldBeBetween(BsonValue value, DateTimeOffset from, DateTimeOffset to)
    {
        var moment = value.ToUniversalTime();
        moment.ShouldBeGreaterThanOrEqualTo(from.UtcDateTime.AddMilliseconds(-1));
        moment.ShouldBeLessThanOrEqualTo(to.UtcDateTime.AddMilliseconds(1));
    }

    private MongoStorageOptions Options() => new() { ConnectionString = server.ConnectionString, Database = _database };

    private IMongoCollection<BsonDocument> Raw(string collection) => server.Client.GetDatabase(_database).GetCollection<BsonDocument>(collection);

    private async Task<List<BsonDocument>> IndexesOf(string collection) =>
        await (await Raw(collection).Indexes.ListAsync()).ToListAsync();

    private static StoreSet Open(MongoStorage storage) => new(
        new MongoConversationStore(storage),
        new MongoRequestStore(storage),
        new MongoOutboxStore(storage),
        new MongoAuditStore(storage),
        new MongoUsageCounterStore(storage),
        new MongoOptOutStore(storage),
        new MongoStoreHealth(storage),
        new MongoStaffAccountStore(storage),
        new MongoActivityStore(storage),
        new MongoSentLinkStore(storage),
        new MongoMessageStore(storage),
        new MongoAttachmentStore(storage),
        new MongoWebhookStore(storage),
        new MongoInputIndex(storage),
        new MongoKeyRingStore(storage),
        new MongoRateCounterStore(storage),
        new MongoRetentionStore(storage));
}
