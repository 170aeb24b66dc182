using Microsoft.Data.Sqlite;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>The store contract against a real SQLite file, plus what only SQLite has (WAL, triggers, schema version).</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "patientcontact-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteDatabase> _databases = [];

    private string DatabasePath => Path.Combine(_folder, "data", "patientcontact.db");

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(Open(DatabasePath));

    protected override Task<StoreSet> ReopenStoresAsync()
    {
        // Like a process exit: every pooled connection to the file is closed before the new one opens.
        foreach (var database in _databases)
        {
            database.Dispose();
        }
        return Task.FromResult(Open(DatabasePath));
    }

    protected override Task<IStoreHealth> CreateUnreachableHealthAsync()
    {
        // A regular file where the database's folder should be: neither the folder nor the file can be made.
        Directory.CreateDirectory(_folder);
        var blocker = Path.Combine(_folder, "not-a-folder");
        File.WriteAllText(blocker, "");
        var database = Track(new SqliteDatabase(Path.Combine(blocker, "patientcontact.db")));
        return Task.FromResult<IStoreHealth>(new SqliteStoreHealth(database, Microsoft.Extensions.Options.Options.Create(new SqliteStorageOptions())));
    }

    protected override Task DisposeStoresAsync()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task First_use_creates_the_folder_and_the_file()
    {
        File.Exists(DatabasePath).ShouldBeFalse();

        await Stores.Health.CheckAsync();

        File.Exists(DatabasePath).ShouldBeTrue();
    }

    [Fact]
    public async Task Database_uses_write_ahead_logging()
    {
        (await Scalar("PRAGMA journal_mode;")).ShouldBe("wal");
    }

    [Fact]
    public async Task Schema_version_is_recorded_in_the_file()
    {
        (await Scalar("PRAGMA user_version;")).ShouldBe(14L);
    }

    [Fact]
    public async Task File_from_a_newer_schema_is_refused()
    {
        await Scalar("PRAGMA user_version = 99;");

        var newer = await ReopenStoresAsync();
        var (healthy, reason) = await newer.Health.CheckAsync();

        healthy.ShouldBeFalse();
        reason.ShouldNotBeNull().ShouldContain("schema version 99");
    }

    [Theory]
    [InlineData("UPDATE audit SET actor = 'someone else';")]
    [InlineData("DELETE FROM audit;")]
    public async Task Audit_rows_cannot_be_changed_or_removed_even_with_raw_sql(string sql)
    {
        var entry = new AuditEntry(T0, "alice@surgery-a.example", "request.viewed", "surgery-a", "ABCD-2345", null);
        await Stores.Audit.AppendAsync(entry);

        var refused = await Should.ThrowAsync<SqliteException>(() => Scalar(sql));

        refused.Message.ShouldContain("append-only");
        (await Stores.Audit.QueryAsync(new AuditQuery())).ShouldBe([entry]);
    }

    [Fact]
    public async Task A_change_whose_audit_line_cannot_be_written_is_not_stored_either()
    {
        var request = Request("ABCD-2345");
        await Stores.Requests.AddAsync(request);

        // The audit table refuses a line without an actor; the change went in the same transaction, so it is undone.
        await Should.ThrowAsync<SqliteException>(() =>
            Stores.Requests.TryUpdateAsync(request with { AssignedTo = "alice@surgery-a.example", Version = 2 }, new AuditEntry(T0, null!, "request.assigned", "surgery-a", "ABCD-2345", null)));

        var stored = (await Stores.Requests.GetAsync("ABCD-2345"))!;
        stored.Version.ShouldBe(1);
        stored.AssignedTo.ShouldBeNull();
        (await Stores.Audit.QueryAsync(new AuditQuery())).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_staff_account_change_whose_audit_line_cannot_be_written_is_not_stored_either()
    {
        var account = StaffAccount() with { Disabled = false };
        await Stores.Staff.AddAsync(account);

        // The audit table refuses a line without an actor; the change went in the same transaction, so it is undone.
        var noActor = new AuditEntry(T0, null!, "staff.account-disabled", null, null, account.Email);
        await Should.ThrowAsync<SqliteException>(() => Stores.Staff.TryUpdateAsync(account with { Disabled = true, Version = 2 }, noActor));
        await Should.ThrowAsync<SqliteException>(() => Stores.Staff.RemoveAsync(account.Email, noActor));
        await Should.ThrowAsync<SqliteException>(() => Stores.Staff.AddAsync(StaffAccount("bob@surgery-a.example"), noActor));

        var stored = (await Stores.Staff.GetAsync(account.Email))!;
        stored.Version.ShouldBe(1);
        stored.Disabled.ShouldBeFalse();
        (await Stores.Staff.GetAsync("bob@surgery-a.example")).ShouldBeNull();
        (await Stores.Audit.QueryAsync(new AuditQuery())).ShouldBeEmpty();
    }

    [Fact]
    public async Task Request_writes_are_committed_with_synchronous_full_and_other_writes_are_not()
    {
        var database = _databases[0];
        var request = Request("ABCD-2345");

        await Stores.Requests.AddAsync(request);
        await Stores.Requests.TryUpdateAsync(request with { Version = 2, AssignedTo = "alice@surgery-a.example" });
        await Stores.Conversations.TrySaveAsync(Conversation("webchat:1", 1));
        await Stores.Audit.AppendAsync(new AuditEntry(T0, "alice@surgery-a.example", "request.viewed", "surgery-a", "ABCD-2345", null));

        database.DurableWrites.ShouldBe(2, "the insert and the update of the request, which a patient's reference ID stands on");
        await using (var durable = await database.OpenDurableWriterAsync())
        {
            (await SynchronousOf(durable.Connection)).ShouldBe(2L, "FULL");
        }

        // The same pooled connection, back as NORMAL for the writes that do not need a sync each.
        await using var ordinary = await database.OpenWriterAsync();
        (await SynchronousOf(ordinary.Connection)).ShouldBe(1L, "NORMAL");
    }

    [Fact]
    public async Task Kept_connections_read_what_another_process_on_the_file_wrote_since()
    {
        // Both stores' kept connections have their statements prepared before the other side writes.
        var other = Open(DatabasePath);
        await Stores.Conversations.TrySaveAsync(Conversation("sms:surgery-a:+447700900123", 1));
        (await other.Conversations.GetAsync("sms:surgery-a:+447700900123"))!.Version.ShouldBe(1);
        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeFalse();

        (await other.Conversations.TrySaveAsync(Conversation("sms:surgery-a:+447700900123", 2))).ShouldBeTrue();
        await other.OptOuts.SetAsync("+447700900123", optedOut: true, T0);

        (await Stores.Conversations.GetAsync("sms:surgery-a:+447700900123"))!.Version.ShouldBe(2);
        (await Stores.OptOuts.IsOptedOutAsync("+447700900123")).ShouldBeTrue();
        (await Stores.Conversations.TrySaveAsync(Conversation("sms:surgery-a:+447700900123", 2))).ShouldBeFalse("version 2 is taken");
        (await Stores.Conversations.TrySaveAsync(Conversation("sms:surgery-a:+447700900123", 3))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_transaction_left_open_on_the_writer_is_rolled_back_and_the_next_write_still_lands()
    {
        var database = _databases[0];
        await using (var writer = await database.OpenWriterAsync())
        {
#pragma warning disable CA2000 // Left open on purpose: a caller that forgot to commit or dispose it.
            var forgotten = writer.Connection.BeginTransaction();
#pragma warning restore CA2000
            await using var command = writer.Connection.CreateCommand();
            command.Transaction = forgotten;
            command.CommandText = "INSERT INTO opt_outs (phone, opted_out, updated_at) VALUES ('+447700900999', 1, '2026-01-01T00:00:00.0000000Z');";
            await command.ExecuteNonQueryAsync();
        }

        (await Stores.Conversations.TrySaveAsync(Conversation("webchat:after", 1))).ShouldBeTrue();
        (await Stores.Conversations.GetAsync("webchat:after")).ShouldNotBeNull();
        (await Stores.OptOuts.IsOptedOutAsync("+447700900999")).ShouldBeFalse("the forgotten transaction never committed");
    }

    private static async Task<object?> SynchronousOf(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Request_reads_back_from_the_json_document_in_camel_case_with_enum_names()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345") with
        {
            Status = PatientContact.Inbox.Requests.RequestStatus.InProgress,
            SubmittedBy = new(PatientContact.Inbox.Requests.SubmitterKind.Proxy, "Sam Smith", PatientContact.Inbox.Requests.Relationship.ParentOrGuardian),
        });

        var document = (string)(await Scalar("SELECT document FROM requests;"))!;

        document.ShouldContain("\"referenceId\":\"ABCD-2345\"");
        document.ShouldContain("\"status\":\"inProgress\"");
        document.ShouldContain("\"channel\":\"webChat\"");
        document.ShouldContain("\"dateOfBirth\":\"1985-12-10\"");
        document.ShouldContain("\"relationship\":\"parent or guardian\"", customMessage: "stored as the words it was stored as before it was an enum");
    }

    [Fact]
    public async Task A_conversation_stored_as_text_by_an_earlier_version_reads_back_as_the_same_bytes_and_carries_on()
    {
        // Earlier versions bound the session as a string, so SQLite kept it as TEXT; it is now bound as bytes (a BLOB).
        await Stores.Conversations.TrySaveAsync(Conversation("sms:1", 1));
        await Scalar("""UPDATE conversations SET data = '{"name":"Zoë","step":"details"}' WHERE key = 'sms:1';""");
        (await Scalar("SELECT typeof(data) FROM conversations;")).ShouldBe("text");

        var earlier = (await Stores.Conversations.GetAsync("sms:1"))!;

        earlier.DataText.ShouldBe("""{"name":"Zoë","step":"details"}""");
        earlier.Data.ShouldBe(System.Text.Encoding.UTF8.GetBytes("""{"name":"Zoë","step":"details"}"""));
        (await Stores.Conversations.TrySaveAsync(earlier with { Version = 2, Data = """{"name":"Zoë","step":"review"}"""u8.ToArray() })).ShouldBeTrue();
        (await Scalar("SELECT typeof(data) FROM conversations;")).ShouldBe("blob");
        (await Stores.Conversations.GetAsync("sms:1"))!.DataText.ShouldBe("""{"name":"Zoë","step":"review"}""");
    }

    [Fact]
    public async Task A_text_s_purpose_is_stored_as_the_words_it_was_stored_as_before_it_was_an_enum()
    {
        var now = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        await Stores.Outbox.EnqueueAsync(new OutboxMessage { Id = Guid.NewGuid(), To = "+447700900123", Body = "123456 is your code.", Purpose = TextPurpose.Code, CreatedAt = now, NextAttemptAt = now });
        await Stores.Outbox.EnqueueAsync(new OutboxMessage { Id = Guid.NewGuid(), To = "+447700900124", Body = "Your link.", Purpose = TextPurpose.FollowUpLink, CreatedAt = now, NextAttemptAt = now });

        (await Scalar("SELECT group_concat(purpose, ',') FROM (SELECT purpose FROM outbox ORDER BY recipient);")).ShouldBe("otp,follow-up-link");
        (await Stores.Outbox.ListForRecipientAsync("+447700900124", 1)).Single().Purpose.ShouldBe(TextPurpose.FollowUpLink);
    }

    [Fact]
    public async Task A_match_reason_is_stored_as_the_words_it_was_stored_as_before_it_was_an_enum()
    {
        await Stores.Requests.AddAsync(Request("ABCD-2345") with { Match = new MatchResult(MatchStatus.Unmatched, MatchReason.PhoneNotVerified, null) });

        (await Scalar("SELECT match_reason FROM requests;")).ShouldBe("phone not verified");
        ((string)(await Scalar("SELECT document FROM requests;"))!).ShouldContain("\"reason\":\"phone not verified\"");
        (await Stores.Requests.ListUnmatchedAsync(MatchReason.PhoneNotVerified, 10)).ShouldHaveSingleItem().ReferenceId.ShouldBe("ABCD-2345");
    }

    [Fact]
    public async Task Requests_stored_before_triage_get_urgency_first_action_and_first_opening_from_their_documents_and_the_audit_trail()
    {
        var chestPain = new RedFlagHit("chest-pain", "emergency", "Call 999 now.");
        await Stores.Requests.AddAsync(Request("ABCD-2345", createdAt: T0) with { RedFlags = [chestPain], AssignedTo = "amy@surgery-a.example" });
        await Stores.Requests.AddAsync(Request("BCDE-3456", createdAt: T0.AddMinutes(1)) with { RedFlags = [new RedFlagHit("self-harm", "urgent", "Call 111.")] });
        await Stores.Requests.AddAsync(Request("CDEF-4567", createdAt: T0.AddMinutes(2)) with { RedFlags = [chestPain] });
        await Stores.Requests.AddAsync(Request("DEFG-5678", createdAt: T0.AddMinutes(3)));
        await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(4), "amy@surgery-a.example", "request.viewed", "surgery-a", "ABCD-2345", null));
        await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(5), "amy@surgery-a.example", "request.assigned", "surgery-a", "ABCD-2345", "to amy@surgery-a.example"));
        await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(6), "bob@surgery-a.example", "request.viewed", "surgery-a", "ABCD-2345", null));
        await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(7), "bob@surgery-a.example", "request.note-added", "surgery-a", "ABCD-2345", null));
        await Stores.Audit.AppendAsync(new AuditEntry(T0.AddMinutes(8), "bob@surgery-a.example", "request.exported", "surgery-a", "DEFG-5678", "api"));

        // Back to what schema 6 held: no triage columns, and documents without the new fields.
        await NonQuery("""
            DROP INDEX ix_requests_service_urgency_created;
            DROP INDEX ix_requests_service_assigned;
            DROP INDEX ix_requests_awaiting_opening;
            DROP INDEX ix_requests_reports;
            ALTER TABLE requests DROP COLUMN urgency;
            ALTER TABLE requests DROP COLUMN assigned_to;
            ALTER TABLE requests DROP COLUMN first_action_at;
            ALTER TABLE requests DROP COLUMN awaiting_opening;
            ALTER TABLE requests DROP COLUMN channel;
            ALTER TABLE requests DROP COLUMN request_type;
            UPDATE requests SET document = json_remove(document, '$.firstActionAt', '$.firstOpened');
            PRAGMA user_version = 6;
            """);

        var migrated = await ReopenStoresAsync();

        var acted = (await migrated.Requests.GetAsync("ABCD-2345")).ShouldNotBeNull();
        acted.FirstActionAt.ShouldBe(T0.AddMinutes(5));
        acted.FirstOpened.ShouldBe(new FirstOpening(T0.AddMinutes(4), "amy@surgery-a.example"));
        (await migrated.Requests.GetAsync("DEFG-5678")).ShouldNotBeNull().FirstOpened.ShouldBeNull();
        var query = new RequestQuery { ServiceIds = ["surgery-a"] };
        (await migrated.Requests.ListAsync(query with { Sort = RequestSort.Urgency })).Items.Select(r => r.ReferenceId)
            .ShouldBe(["ABCD-2345", "CDEF-4567", "BCDE-3456", "DEFG-5678"]);
        (await migrated.Requests.ListAsync(query with { AwaitingFirstOpening = true })).Items.Select(r => r.ReferenceId).ShouldBe(["CDEF-4567"]);
        (await migrated.Requests.ListAsync(query with { AssignedTo = "amy@surgery-a.example" })).Items.Select(r => r.ReferenceId).ShouldBe(["ABCD-2345"]);
        (await migrated.Requests.ListFactsAsync(["surgery-a"], T0, T0.AddDays(1))).Select(f => (f.Channel, f.RequestType, f.FirstActionAt))
            .ShouldBe([(Channel.WebChat, "Repeat prescription", (DateTimeOffset?)T0.AddMinutes(5)), (Channel.WebChat, "Repeat prescription", null), (Channel.WebChat, "Repeat prescription", null), (Channel.WebChat, "Repeat prescription", null)]);
    }

    private StoreSet Open(string path)
    {
        var database = Track(new SqliteDatabase(path));
        return new StoreSet(
            new SqliteConversationStore(database),
            new SqliteRequestStore(database),
            new SqliteOutboxStore(database),
            new SqliteAuditStore(database),
            new SqliteUsageCounterStore(database),
            new SqliteOptOutStore(database),
            new SqliteStoreHealth(database, Microsoft.Extensions.Options.Options.Create(new SqliteStorageOptions())),
            new SqliteStaffStore(database),
            new SqliteActivityStore(database),
            new SqliteSentLinkStore(database),
            new SqliteMessageStore(database),
            new SqliteAttachmentStore(database),
            new SqliteWebhookStore(database),
            new SqliteInputIndex(database),
            new SqliteKeyRingStore(database),
            new SqliteRateCounterStore(database),
            new SqliteRetentionStore(database));
    }

    private SqliteDatabase Track(SqliteDatabase database)
    {
        _databases.Add(database);
        return database;
    }

    private async Task NonQuery(string sql)
    {
        await using var connection = await _databases[0].OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> Scalar(string sql)
    {
        await using var connection = await _databases[0].OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
