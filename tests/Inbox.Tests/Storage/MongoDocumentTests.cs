using PatientContact.Inbox.Messaging;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>
/// Every document the MongoDB store writes, through the driver's own BSON serializers and back, with
/// no server: the shape an operator reads in the database, and nothing lost on the way back.
/// </summary>
public sealed class MongoDocumentTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public MongoDocumentTests() => MongoClassMaps.EnsureRegistered();

    private static ContactRequest FullRequest() => new()
    {
        ReferenceId = "ABCD-2345",
        ServiceId = "surgery-a",
        Status = RequestStatus.InProgress,
        RequestTypeId = "repeat-prescription",
        RequestType = "Repeat prescription",
        Details = "Sertraline 50 mg, \"the usual\" – running out { $gt: 1 }",
        CreatedAt = T0,
        // Another offset: stored as the same moment in UTC.
        UpdatedAt = new DateTimeOffset(2025, 3, 3, 10, 15, 30, 123, TimeSpan.FromHours(1)),
        Patient = new PatientDetails("Zoë", "O'Brien-Ñúñez", new DateOnly(1931, 2, 28), Gender.PreferNotToSay, "SW1A 1AA"),
        SubmittedBy = new Submitter(SubmitterKind.Proxy, "Sam O'Brien", Relationship.FamilyMember),
        Contact = new ContactDetails("+447700900456", false, ContactPreference.Phone),
        Match = new MatchResult(MatchStatus.Matched, null, "9434765919"),
        RedFlags = [new RedFlagHit("chest-pain", "emergency", "Call 999 now.")],
        Channel = Channel.Sms,
        ConversationKey = "sms:+447700900456",
        AssignedTo = "staff@surgery-a.example",
        Notes = [new StaffNote(T0.AddMinutes(5), "staff@surgery-a.example", "Rang back.\nNo answer.")],
        Attachments = [new RequestAttachment("photo-1", "image/jpeg", 123_456, 640, 480)],
        FollowUp = new FollowUpTag("link-1", "Rheumatology", "9434765919"),
        FirstActionAt = T0.AddMinutes(5),
        FirstOpened = new FirstOpening(T0.AddMinutes(2), "staff@surgery-a.example"),
        Version = 3,
    };

    private static T RoundTrip<T>(T value, out BsonDocument document)
    {
        document = value.ToBsonDocument();
        var bytes = document.ToBson();
        return BsonSerializer.Deserialize<T>(bytes);
    }

    [Fact]
    public void Request_document_round_trips_with_every_field()
    {
        var request = FullRequest();

        var back = RoundTrip(RequestDocument.From(request), out var document);

        back.Id.ShouldBe("ABCD-2345");
        back.Search.ShouldBe(new RequestSearchKeys("ABCD2345", "zoë", "o'brien-ñúñez", 2));
        back.Request.RedFlags.ShouldBe(request.RedFlags);
        back.Request.Notes.ShouldBe(request.Notes);
        back.Request.Attachments.ShouldBe(request.Attachments);
        (back.Request with { RedFlags = request.RedFlags, Notes = request.Notes, Attachments = request.Attachments }).ShouldBe(request);

        document.Names.ShouldBe(["_id", "search", "request"]);
        var stored = document["request"].AsBsonDocument;
        stored.Names.ShouldBe([
            "referenceId", "serviceId", "status", "requestTypeId", "requestType", "details", "createdAt", "updatedAt", "patient",
            "submittedBy", "contact", "match", "redFlags", "channel", "conversationKey", "assignedTo", "notes", "attachments", "followUp", "version",
            "firstActionAt", "firstOpened", "enteredBy",
        ], ignoreOrder: true);
        stored["attachments"][0]["id"].ShouldBe(new BsonString("photo-1"));
        stored["firstActionAt"].ShouldBe(new BsonDateTime(T0.AddMinutes(5).UtcDateTime));
        stored["firstOpened"].ShouldBe(new BsonDocument { ["at"] = new BsonDateTime(T0.AddMinutes(2).UtcDateTime), ["by"] = "staff@surgery-a.example" });
        document["search"]["urgency"].ShouldBe(new BsonInt32(2), "a number, so the urgency sort puts emergencies first");
        stored["status"].ShouldBe(new BsonString("InProgress"));
        stored["channel"].ShouldBe(new BsonString("Sms"));
        stored["updatedAt"].ShouldBe(new BsonDateTime(new DateTime(2025, 3, 3, 9, 15, 30, 123, DateTimeKind.Utc)));
        stored["patient"].ShouldBe(BsonDocument.Parse(
            """{ "firstName": "Zoë", "lastName": "O'Brien-Ñúñez", "dateOfBirth": "1931-02-28", "gender": "PreferNotToSay", "postcode": "SW1A 1AA" }"""));
        stored["redFlags"].ShouldBe(BsonArray.Create(new[] { BsonDocument.Parse("""{ "id": "chest-pain", "severity": "emergency", "advice": "Call 999 now." }""") }));
        stored["match"].ShouldBe(BsonDocument.Parse("""{ "status": "Matched", "reason": null, "nhsNumber": "9434765919" }"""));
        stored["submittedBy"].ShouldBe(BsonDocument.Parse("""{ "kind": "Proxy", "name": "Sam O'Brien", "relationship": "family member" }"""),
            "the relationship is stored as the words it was stored as before it was an enum");
        stored["notes"][0]["at"].ShouldBe(new BsonDateTime(T0.AddMinutes(5).UtcDateTime));
        stored["details"].ShouldBe(new BsonString(request.Details), "text that looks like an operator is stored as the text it is");
        stored["followUp"].ShouldBe(BsonDocument.Parse("""{ "linkId": "link-1", "pathway": "Rheumatology", "nhsNumber": "9434765919" }"""));
    }

    [Fact]
    public void Request_with_defaults_round_trips()
    {
        var request = FullRequest() with { RedFlags = [], Notes = [], AssignedTo = null, Match = MatchResult.Pending, SubmittedBy = new Submitter(SubmitterKind.Self, null, null), FollowUp = null };

        var back = RoundTrip(RequestDocument.From(request), out var document);

        back.Request.RedFlags.ShouldBeEmpty();
        back.Request.Notes.ShouldBeEmpty();
        (back.Request with { RedFlags = request.RedFlags, Notes = request.Notes, Attachments = request.Attachments }).ShouldBe(request);
        document["request"]["redFlags"].ShouldBe(new BsonArray());
        document["request"]["followUp"].ShouldBe(BsonNull.Value);
        document["request"]["match"]["reason"].ShouldBe(new BsonString("not yet checked"), "the match reason is stored as the words it was stored as before it was an enum");
    }

    [Fact]
    public void Request_from_a_follow_up_link_without_an_nhs_number_round_trips()
    {
        var request = FullRequest() with { FollowUp = new FollowUpTag("link-2", "Dermatology", null) };

        var back = RoundTrip(RequestDocument.From(request), out var document);

        back.Request.FollowUp.ShouldBe(request.FollowUp);
        document["request"]["followUp"]["nhsNumber"].ShouldBe(BsonNull.Value);
    }

    [Theory]
    [InlineData("ABCD-2345", "ABCD2345")]
    [InlineData(" abcd 2345 ", "ABCD2345")]
    [InlineData("a-b-c-d", "ABCD")]
    public void Reference_key_is_upper_case_without_hyphens_or_spaces(string value, string key)
    {
        RequestSearchKeys.KeyOf(value).ShouldBe(key);
    }

    [Fact]
    public void Conversation_document_round_trips()
    {
        var record = new ConversationRecord("webchat:1", "surgery-a", "details", """{"step":"details","answers":{"name":"Zoë"}}"""u8.ToArray(), 7, T0);
        var expires = T0.AddDays(3);

        var back = RoundTrip(ConversationDocument.From(record, expires), out var document);

        back.ToRecord().ShouldBe(record);
        back.ExpiresAt.ShouldBe(expires);
        document.ShouldBe(new BsonDocument
        {
            { "_id", "webchat:1" },
            { "serviceId", "surgery-a" },
            { "state", "details" },
            { "data", """{"step":"details","answers":{"name":"Zoë"}}""" },
            { "version", 7L },
            { "updatedAt", new BsonDateTime(T0.UtcDateTime) },
            { "expiresAt", new BsonDateTime(expires.UtcDateTime) },
        });
    }

    [Fact]
    public void Outbox_message_round_trips_with_every_field()
    {
        var message = new OutboxMessage
        {
            Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            To = "+447700900123",
            From = "+447700900001",
            Body = "Your code is 123456.",
            Purpose = TextPurpose.Code,
            IdempotencyKey = "otp:webchat:1:1",
            CreatedAt = T0,
            Status = OutboxStatus.Held,
            Attempts = 2,
            NextAttemptAt = T0.AddMinutes(5),
            ProviderMessageId = "SM0123456789",
            Error = "queue full",
            ValiditySeconds = 600,
        };

        var back = RoundTrip(message, out var document);

        back.ShouldBe(message);
        document["_id"].ShouldBe(new BsonString("0f8fad5b-d9cb-469f-a165-70867728950e"));
        document["status"].ShouldBe(new BsonString("Held"));
        document["nextAttemptAt"].ShouldBe(new BsonDateTime(T0.AddMinutes(5).UtcDateTime));
        document["validitySeconds"].ShouldBe(new BsonInt32(600));
        document["from"].ShouldBe(new BsonString("+447700900001"));
        document["purpose"].ShouldBe(new BsonString("otp"), "the purpose is stored as the words it was stored as before it was an enum");
        document.Names.ShouldNotContain("id");
    }

    [Fact]
    public void Outbox_message_without_optional_fields_round_trips()
    {
        var message = new OutboxMessage { Id = Guid.NewGuid(), To = "+447700900123", Body = "x", Purpose = TextPurpose.Confirmation, CreatedAt = T0, NextAttemptAt = T0 };

        RoundTrip(message, out var document).ShouldBe(message);
        document["idempotencyKey"].ShouldBe(BsonNull.Value, "a text without a key is outside the unique index's partial filter");
    }

    [Fact]
    public void Audit_document_round_trips()
    {
        var entry = new AuditEntry(T0, "alice@surgery-a.example", "request.status-changed", "surgery-a", "ABCD-2345", "new -> done");

        var back = RoundTrip(AuditDocument.From(entry), out var document);

        back.ToEntry().ShouldBe(entry);
        document["_id"].BsonType.ShouldBe(BsonType.ObjectId);
        document["at"].ShouldBe(new BsonDateTime(T0.UtcDateTime));
        document.Names.ShouldBe(["_id", "at", "actor", "action", "serviceId", "referenceId", "detail"]);
    }

    [Fact]
    public void Usage_counter_document_round_trips_with_the_day_as_text()
    {
        var counter = new UsageCounterDocument(ObjectId.GenerateNewId(), "surgery-a", "advice-shown", new DateOnly(2025, 3, 3), 42);

        var back = RoundTrip(counter, out var document);

        back.ShouldBe(counter);
        document["day"].ShouldBe(new BsonString("2025-03-03"));
        document["value"].ShouldBe(new BsonInt64(42));
    }

    [Fact]
    public void Opt_out_document_round_trips()
    {
        var optOut = new OptOutDocument("+447700900123", true, T0);

        var back = RoundTrip(optOut, out var document);

        back.ShouldBe(optOut);
        document.ShouldBe(new BsonDocument { { "_id", "+447700900123" }, { "optedOut", true }, { "updatedAt", new BsonDateTime(T0.UtcDateTime) } });
    }

    [Fact]
    public void Activity_batch_document_round_trips_with_activities_as_the_json_they_were()
    {
        string[] activities = ["""{"type":"message","text":"Tá sé \"ceart\" 😀","channelData":{"step":"welcome"}}""", "{}"];
        var batch = new ActivityBatchDocument(ObjectId.GenerateNewId(), "conv-a", 3, "client-1", activities, T0, T0.AddDays(3), 90);

        var back = RoundTrip(batch, out var document);

        back.Activities.ShouldBe(activities);
        (back with { Activities = activities }).ShouldBe(batch);
        back.ToBatch().Activities.ShouldBe(activities);
        document["activities"].ShouldBe(new BsonArray(activities));
        document["sequence"].ShouldBe(new BsonInt64(3));
    }

    [Fact]
    public void Activity_batch_without_a_client_activity_id_round_trips()
    {
        var batch = new ActivityBatchDocument(ObjectId.GenerateNewId(), "conv-a", 1, null, ["{}"], T0, T0.AddDays(3), 2);

        var back = RoundTrip(batch, out var document);

        back.ClientActivityId.ShouldBeNull();
        document["clientActivityId"].ShouldBe(BsonNull.Value);
    }

    [Fact]
    public void Activity_batch_stored_before_its_size_was_kept_reads_as_size_zero()
    {
        var batch = new ActivityBatchDocument(ObjectId.GenerateNewId(), "conv-a", 1, null, ["{}"], T0, T0.AddDays(3), 2);
        RoundTrip(batch, out var document);
        document.Remove("bytes");

        MongoDB.Bson.Serialization.BsonSerializer.Deserialize<ActivityBatchDocument>(document).Bytes.ShouldBe(0);
    }

    [Fact]
    public void Staff_account_document_round_trips_with_every_field()
    {
        var account = new StaffAccount
        {
            Email = "Alice@Surgery-A.example",
            DisplayName = "Alice Example",
            PasswordHash = "AQAAAAIAAYagAAAAEDummy==",
            ServiceIds = ["surgery-a", "surgery-b"],
            IsAdministrator = true,
            CreatedAt = T0,
            LastSignedInAt = T0.AddMinutes(5),
            FailedSignIns = 2,
            FirstFailedSignInAt = T0.AddMinutes(1),
            LockedUntil = null,
            Version = 4,
        };

        var back = RoundTrip(StaffAccountDocument.From(account), out var document);

        back.Id.ShouldBe("alice@surgery-a.example");
        back.Account.ServiceIds.ShouldBe(account.ServiceIds);
        (back.Account with { ServiceIds = account.ServiceIds }).ShouldBe(account);
        document["account"]["lastSignedInAt"].ShouldBe(new BsonDateTime(T0.AddMinutes(5).UtcDateTime));
        document["account"]["lockedUntil"].ShouldBe(BsonNull.Value);
        document["account"]["serviceIds"].ShouldBe(new BsonArray(new[] { "surgery-a", "surgery-b" }));
    }

    [Fact]
    public void Follow_up_link_round_trips_with_every_field()
    {
        var link = new SentLink
        {
            Id = "link-1",
            ServiceId = "surgery-a",
            Kind = SentLinkKind.FollowUp,
            Phone = "+447700900123",
            FirstName = "Zoë",
            LastName = "O'Brien-Ñúñez",
            DateOfBirth = new DateOnly(1931, 2, 28),
            NhsNumber = "9434765919",
            Pathway = "Rheumatology",
            TokenHash = LinkTokens.HashIfWellFormed("AAAAAAAAAAAAAAAAAAAAAA"),
            EndsAt = T0.AddDays(182),
            // Another offset: stored as the same moment in UTC.
            SentAt = new DateTimeOffset(2025, 3, 3, 10, 15, 30, 123, TimeSpan.FromHours(1)),
            SentBy = "alice@surgery-a.example",
            EndedEarlyAt = T0.AddDays(30),
            EndedEarlyBy = "carol@surgery-a.example",
            FailedConfirmations = 2,
            Version = 3,
        };

        var back = RoundTrip(link, out var document);

        back.ShouldBe(link);
        document.ShouldBe(new BsonDocument
        {
            { "_id", "link-1" },
            { "serviceId", "surgery-a" },
            { "kind", "FollowUp" },
            { "phone", "+447700900123" },
            { "firstName", "Zoë" },
            { "lastName", "O'Brien-Ñúñez" },
            { "dateOfBirth", "1931-02-28" },
            { "nhsNumber", "9434765919" },
            { "pathway", "Rheumatology" },
            { "tokenHash", "8a5bdb4cc15164126c6ef2668de9dd240d299ce6397a42c95a9411b93d080ed8" },
            { "endsAt", new BsonDateTime(T0.AddDays(182).UtcDateTime) },
            { "sentAt", new BsonDateTime(new DateTime(2025, 3, 3, 9, 15, 30, 123, DateTimeKind.Utc)) },
            { "sentBy", "alice@surgery-a.example" },
            { "endedEarlyAt", new BsonDateTime(T0.AddDays(30).UtcDateTime) },
            { "endedEarlyBy", "carol@surgery-a.example" },
            { "failedConfirmations", 2 },
            { "version", 3L },
        });
    }

    [Fact]
    public void General_link_round_trips_with_its_empty_fields_as_nulls()
    {
        var link = new SentLink
        {
            Id = "link-g",
            ServiceId = "surgery-a",
            Kind = SentLinkKind.General,
            Phone = "+447700900123",
            SentAt = T0,
            SentBy = "alice@surgery-a.example",
        };

        var back = RoundTrip(link, out var document);

        back.ShouldBe(link);
        document["kind"].ShouldBe(new BsonString("General"));
        document["tokenHash"].ShouldBe(BsonNull.Value, "a general link is outside the unique index's partial filter");
        document["dateOfBirth"].ShouldBe(BsonNull.Value);
        document["endsAt"].ShouldBe(BsonNull.Value);
        document["version"].ShouldBe(new BsonInt64(1));
    }

    [Fact]
    public void Document_with_an_element_this_version_does_not_know_is_refused_rather_than_dropped()
    {
        var document = new ConversationDocument("k", "s", "details", "{}", 1, T0, T0).ToBsonDocument();
        document.Add("addedByANewerVersion", 1);

        Should.Throw<FormatException>(() => BsonSerializer.Deserialize<ConversationDocument>(document));
    }

    [Fact]
    public void Request_document_from_before_the_urgency_was_kept_reads_with_urgency_zero()
    {
        var document = RequestDocument.From(FullRequest()).ToBsonDocument();
        document["search"].AsBsonDocument.Remove("urgency");

        var back = BsonSerializer.Deserialize<RequestDocument>(document.ToBson());

        back.Search.Urgency.ShouldBe(0);
        back.Request.RedFlags.ShouldBe(FullRequest().RedFlags);
    }
}
