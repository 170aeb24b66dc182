using PatientContact.Inbox.Messaging;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Retention;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Tests.Retention;

/// <summary>The purger over a real SQLite file, with the default policy and a clock moved past it.</summary>
public sealed class RetentionPurgerTests : IDisposable
{
    private static readonly DateTimeOffset Submitted = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "patientcontact-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Submitted);
    private readonly SqliteDatabase _database;
    private readonly SqliteRequestStore _requests;
    private readonly SqliteAttachmentStore _attachments;
    private readonly SqliteAuditStore _audit;
    private readonly SqliteMessageStore _messages;
    private readonly RetentionOptions _policy = new() { BatchSize = 2 };

    public RetentionPurgerTests()
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "patientcontact.db"));
        _requests = new SqliteRequestStore(_database);
        _attachments = new SqliteAttachmentStore(_database);
        _audit = new SqliteAuditStore(_database);
        _messages = new SqliteMessageStore(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Closed_requests_go_with_their_photos_after_the_retention_period_and_open_ones_stay()
    {
        // Five closed the day they came in (more than one batch), one closed later, one never closed.
        for (var i = 1; i <= 5; i++)
        {
            await AddAsync($"DONE-000{i}", RequestStatus.Done, Submitted, photo: $"photo-{i}");
        }
        await AddAsync("LATE-0001", RequestStatus.Done, Submitted.AddDays(30), photo: "photo-late");
        await AddAsync("OPEN-0001", RequestStatus.InProgress, Submitted, photo: "photo-open");
        await _audit.AppendAsync(new AuditEntry(Submitted, "amy@surgery-a.example", "request.status-changed", "surgery-a", "DONE-0001", "new -> done"));
        await _messages.AddAsync(Staff("DONE-0001"));

        // The day before the period ends nothing goes.
        _time.SetUtcNow(Submitted + _policy.ClosedRequests - TimeSpan.FromMinutes(1));
        (await Purger().PurgeOnceAsync(CancellationToken.None)).Requests.ShouldBe(0);
        (await CountAsync("requests")).ShouldBe(7);

        _time.SetUtcNow(Submitted + _policy.ClosedRequests + TimeSpan.FromDays(1));
        var pass = await Purger().PurgeOnceAsync(CancellationToken.None);

        pass.Requests.ShouldBe(5);
        (await _requests.GetAsync("DONE-0001")).ShouldBeNull();
        (await _attachments.GetAsync("photo-1")).ShouldBeNull();
        (await _messages.ListForRequestAsync("DONE-0001")).ShouldBeEmpty();
        (await _requests.GetAsync("LATE-0001")).ShouldNotBeNull();
        (await _attachments.GetAsync("photo-late")).ShouldNotBeNull();
        (await _requests.GetAsync("OPEN-0001")).ShouldNotBeNull();
        (await _attachments.GetAsync("photo-open")).ShouldNotBeNull();
        // The audit line outlives the request by its own period.
        (await _audit.QueryAsync(new AuditQuery { ReferenceId = "DONE-0001" })).Count.ShouldBe(1);

        _time.SetUtcNow(Submitted + _policy.Audit + TimeSpan.FromDays(1));
        var later = await Purger().PurgeOnceAsync(CancellationToken.None);

        later.AuditLines.ShouldBe(1);
        (await _requests.GetAsync("OPEN-0001")).ShouldNotBeNull("an open request is never removed, however old");
        (await CountAsync("requests")).ShouldBe(1);
    }

    [Fact]
    public async Task Audit_lines_still_refuse_a_delete_outside_the_purge_after_a_purge_ran()
    {
        await _audit.AppendAsync(new AuditEntry(Submitted, "amy@surgery-a.example", "staff.signed-in", null, null, null));
        await _audit.AppendAsync(new AuditEntry(Submitted.AddDays(800), "amy@surgery-a.example", "staff.signed-in", null, null, null));
        _time.SetUtcNow(Submitted.AddDays(800));

        (await Purger().PurgeOnceAsync(CancellationToken.None)).AuditLines.ShouldBe(1);

        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit;";
        (await Should.ThrowAsync<SqliteException>(() => command.ExecuteNonQueryAsync())).Message.ShouldContain("append-only");
        (await CountAsync("audit")).ShouldBe(1);
    }

    private RetentionPurger Purger() => new(
        new SqliteRetentionStore(_database), _attachments, _time, Microsoft.Extensions.Options.Options.Create(_policy), NullLogger<RetentionPurger>.Instance);

    private async Task AddAsync(string referenceId, RequestStatus status, DateTimeOffset lastChange, string photo)
    {
        var content = RandomNumberGenerator.GetBytes(64);
        await _attachments.AddAsync(
            new AttachmentInfo(photo, "webchat:" + referenceId, "surgery-a", "image/png", content.Length, 1, 1, Convert.ToHexStringLower(SHA256.HashData(content)), Submitted),
            content);
        (await _requests.AddAsync(new ContactRequest
        {
            ReferenceId = referenceId,
            ServiceId = "surgery-a",
            Status = status,
            RequestTypeId = "repeat-prescription",
            RequestType = "Repeat prescription",
            Details = "Sertraline 50 mg",
            CreatedAt = Submitted,
            UpdatedAt = lastChange,
            Patient = new PatientDetails("Ada", "Lovelace", new DateOnly(1985, 12, 10), Gender.Female, "LS1 4AP"),
            SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
            Contact = new ContactDetails("+447700900123", true, ContactPreference.Text),
            Channel = Channel.WebChat,
            ConversationKey = "webchat:" + referenceId,
            Attachments = [new RequestAttachment(photo, "image/png", content.Length, 1, 1)],
        })).ShouldBe(AddResult.Added);
    }

    private static RequestMessage Staff(string referenceId) => new()
    {
        Id = Guid.NewGuid(),
        ReferenceId = referenceId,
        ServiceId = "surgery-a",
        Direction = MessageDirection.Out,
        Channel = Channel.Sms,
        Body = "Your prescription is ready.",
        CreatedAt = Submitted,
        Phone = "+447700900123",
        Status = DeliveryStatus.Queued,
        StatusAt = Submitted,
        Author = "amy@surgery-a.example",
        Purpose = TextPurpose.StaffReply,
    };

    private async Task<long> CountAsync(string table)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
