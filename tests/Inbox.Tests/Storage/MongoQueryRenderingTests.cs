using PatientContact.Inbox.Messaging;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>
/// Every filter, update and sort the MongoDB store sends, rendered by the driver to the BSON the server
/// receives, with no server. Values from callers only ever appear as values: no text becomes an
/// operator, a field name or a pattern.
/// </summary>
public sealed class MongoQueryRenderingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly string T0Json = """{ "$date": "2025-03-03T09:00:00Z" }""";

    public MongoQueryRenderingTests() => MongoClassMaps.EnsureRegistered();

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Render<T>(SortDefinition<T> sort) =>
        sort.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonValue Render<T>(UpdateDefinition<T> update) =>
        update.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Render<T>(IndexKeysDefinition<T> keys) =>
        keys.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static void ShouldRenderAs<T>(FilterDefinition<T> filter, string json) => Render(filter).ShouldBe(BsonDocument.Parse(json));

    /// <summary>Every operator (a name starting with $) anywhere in the rendered document.</summary>
    private static IEnumerable<string> Operators(BsonValue value) => value switch
    {
        BsonDocument document => document.Elements.SelectMany(e => (e.Name.StartsWith('$') ? [e.Name] : Array.Empty<string>()).Concat(Operators(e.Value))),
        BsonArray array => array.SelectMany(Operators),
        _ => [],
    };

    private static IEnumerable<BsonRegularExpression> Patterns(BsonValue value) => value switch
    {
        BsonDocument document => document.Elements.SelectMany(e => Patterns(e.Value)),
        BsonArray array => array.SelectMany(Patterns),
        BsonRegularExpression regex => [regex],
        _ => [],
    };

    [Fact]
    public void Conversation_filters_render_key_version_and_cutoff()
    {
        ShouldRenderAs(MongoConversationStore.ByKey("webchat:1"), """{ "_id": "webchat:1" }""");
        ShouldRenderAs(MongoConversationStore.AtVersion("webchat:1", 4), """{ "_id": "webchat:1", "version": { "$numberLong": "4" } }""");
        ShouldRenderAs(MongoConversationStore.IdleFilter(T0), $$"""{ "updatedAt": { "$lt": {{T0Json}} } }""");
        Render(MongoConversationStore.IdleSort).ShouldBe(BsonDocument.Parse("""{ "updatedAt": 1, "_id": 1 }"""));
    }

    [Fact]
    public void Request_key_filters_render_reference_id_version_and_since()
    {
        ShouldRenderAs(MongoRequestStore.ByReferenceId("ABCD-2345"), """{ "_id": "ABCD-2345" }""");
        ShouldRenderAs(MongoRequestStore.AtVersion("ABCD-2345", 2), """{ "_id": "ABCD-2345", "request.version": { "$numberLong": "2" } }""");
        ShouldRenderAs(MongoRequestStore.SinceFilter("surgery-a", T0), $$"""{ "request.serviceId": "surgery-a", "request.createdAt": { "$gte": {{T0Json}} } }""");
        ShouldRenderAs(MongoRequestStore.UnmatchedFilter(MatchReason.PdsUnavailable), """{ "request.match.status": "Unmatched", "request.match.reason": "PDS unavailable" }""");
        Render(MongoRequestStore.NewestFirst).ShouldBe(BsonDocument.Parse("""{ "request.createdAt": -1, "_id": 1 }"""));
        Render(MongoRequestStore.OldestFirst).ShouldBe(BsonDocument.Parse("""{ "request.createdAt": 1, "_id": 1 }"""));
    }

    [Fact]
    public void Inbox_list_filter_renders_every_filter_as_values()
    {
        var filter = MongoRequestStore.ListFilter(new RequestQuery
        {
            ServiceIds = ["surgery-a", "surgery-b", "surgery-a"],
            Status = RequestStatus.InProgress,
            Matched = false,
            RequestTypeId = "sick-note",
            RedFlagged = true,
        });

        ShouldRenderAs(filter!, """
            {
              "request.serviceId": { "$in": ["surgery-a", "surgery-b"] },
              "request.status": "InProgress",
              "request.match.status": "Unmatched",
              "request.requestTypeId": "sick-note",
              "request.redFlags.0": { "$exists": true }
            }
            """);
        ShouldRenderAs(MongoRequestStore.ListFilter(new RequestQuery { ServiceIds = ["surgery-a"], RedFlagged = false, Matched = true })!,
            """{ "request.serviceId": { "$in": ["surgery-a"] }, "request.match.status": "Matched", "request.redFlags": { "$size": 0 } }""");
    }

    [Fact]
    public void Reader_with_no_services_gets_no_filter_and_so_no_query()
    {
        MongoRequestStore.ListFilter(new RequestQuery { ServiceIds = [] }).ShouldBeNull();
    }

    [Fact]
    public void Search_renders_the_reference_key_or_every_word_in_a_name()
    {
        ShouldRenderAs(MongoRequestStore.ListFilter(new RequestQuery { ServiceIds = ["surgery-a"], Search = "  Jo SMI " })!, """
            {
              "request.serviceId": { "$in": ["surgery-a"] },
              "$or": [
                { "search.referenceKey": "JOSMI" },
                { "$and": [
                  { "$or": [ { "search.firstName": /jo/ }, { "search.lastName": /jo/ } ] },
                  { "$or": [ { "search.firstName": /smi/ }, { "search.lastName": /smi/ } ] }
                ] }
              ]
            }
            """);
    }

    [Theory]
    [InlineData("""{"$gt": ""}""")]
    [InlineData("""{"$where": "sleep(1000)"}""")]
    [InlineData(".*")]
    [InlineData("^a$")]
    [InlineData("(a|b)+[c]{2}?\\d")]
    [InlineData("$regex")]
    [InlineData("request.serviceId")]
    public void Search_text_stays_text_in_the_rendered_filter(string search)
    {
        var rendered = Render(MongoRequestStore.ListFilter(new RequestQuery { ServiceIds = ["surgery-a"], Search = search })!);

        Operators(rendered).Distinct().ShouldBeSubsetOf(["$in", "$or", "$and"]);
        var words = search.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var patterns = Patterns(rendered).ToArray();
        patterns.Length.ShouldBe(words.Length * 2);
        foreach (var pattern in patterns)
        {
            pattern.Options.ShouldBeEmpty();
            // The pattern matches its own word as plain text and nothing a metacharacter would widen it to.
            var word = words.Single(w => System.Text.RegularExpressions.Regex.Escape(w.ToLowerInvariant()) == pattern.Pattern);
            System.Text.RegularExpressions.Regex.IsMatch("x" + word.ToLowerInvariant() + "y", pattern.Pattern).ShouldBeTrue();
            System.Text.RegularExpressions.Regex.IsMatch("lovelace", pattern.Pattern).ShouldBeFalse();
        }
        rendered["$or"][0]["search.referenceKey"].BsonType.ShouldBe(BsonType.String);
    }

    [Fact]
    public void Search_uses_at_most_five_words()
    {
        var rendered = Render(MongoRequestStore.ListFilter(new RequestQuery { ServiceIds = ["surgery-a"], Search = "a b c d e f g" })!);

        rendered["$or"][1]["$and"].AsBsonArray.Count.ShouldBe(5);
    }

    [Fact]
    public void Outbox_claim_renders_due_filter_lease_update_and_oldest_first()
    {
        ShouldRenderAs(MongoOutboxStore.DueFilter(T0), $$"""{ "status": { "$in": ["Pending", "Sending"] }, "nextAttemptAt": { "$lte": {{T0Json}} } }""");
        Render(MongoOutboxStore.ClaimUpdate(T0, TimeSpan.FromSeconds(30))).ShouldBe(BsonDocument.Parse(
            """{ "$set": { "status": "Sending", "nextAttemptAt": { "$date": "2025-03-03T09:00:30Z" } } }"""));
        Render(MongoOutboxStore.ClaimOptions.Sort).ShouldBe(BsonDocument.Parse("""{ "createdAt": 1, "_id": 1 }"""));
        MongoOutboxStore.ClaimOptions.ReturnDocument.ShouldBe(ReturnDocument.After);
        Render(MongoOutboxStore.NewestFirst).ShouldBe(BsonDocument.Parse("""{ "createdAt": -1, "_id": -1 }"""));
    }

    [Fact]
    public void Outbox_outcome_update_sets_only_the_outcome_and_the_kept_body()
    {
        var message = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            To = "+447700900123",
            Body = "{ \"$set\": { \"to\": \"+440000\" } }",
            Purpose = TextPurpose.Code,
            CreatedAt = T0,
            Status = OutboxStatus.Sent,
            Attempts = 1,
            NextAttemptAt = T0,
            ProviderMessageId = "SM1",
            Error = null,
        };

        Render(MongoOutboxStore.OutcomeUpdate(message)).ShouldBe(BsonDocument.Parse($$"""
            { "$set": { "status": "Sent", "attempts": 1, "nextAttemptAt": {{T0Json}}, "providerMessageId": "SM1", "error": null, "body": "{ \"$set\": { \"to\": \"+440000\" } }" } }
            """));
    }

    [Fact]
    public void Audit_query_renders_each_given_filter_and_a_half_open_window()
    {
        ShouldRenderAs(MongoAuditStore.QueryFilter(new AuditQuery()), "{}");
        ShouldRenderAs(MongoAuditStore.QueryFilter(new AuditQuery
        {
            ServiceId = "surgery-a",
            ReferenceId = "ABCD-2345",
            Actor = "{\"$ne\": 1}",
            From = T0,
            To = T0.AddHours(1),
        }), $$"""
            {
              "serviceId": "surgery-a",
              "referenceId": "ABCD-2345",
              "actor": "{\"$ne\": 1}",
              "at": { "$gte": {{T0Json}}, "$lt": { "$date": "2025-03-03T10:00:00Z" } }
            }
            """);
        Render(MongoAuditStore.OldestFirst).ShouldBe(BsonDocument.Parse("""{ "at": 1, "_id": 1 }"""));
    }

    [Fact]
    public void Counter_and_opt_out_filters_and_updates_render()
    {
        ShouldRenderAs(MongoUsageCounterStore.Key("surgery-a", "advice-shown", new DateOnly(2025, 3, 3)),
            """{ "serviceId": "surgery-a", "counter": "advice-shown", "day": "2025-03-03" }""");
        Render(MongoUsageCounterStore.IncrementUpdate).ShouldBe(BsonDocument.Parse("""{ "$inc": { "value": { "$numberLong": "1" } } }"""));

        ShouldRenderAs(MongoOptOutStore.NotNewerThan("+447700900123", T0), $$"""{ "_id": "+447700900123", "updatedAt": { "$lte": {{T0Json}} } }""");
        Render(MongoOptOutStore.SetUpdate(true, T0)).ShouldBe(BsonDocument.Parse($$"""{ "$set": { "optedOut": true, "updatedAt": {{T0Json}} } }"""));
    }

    [Fact]
    public void Activity_filters_render()
    {
        ShouldRenderAs(MongoActivityStore.ByClientActivityId("conv-a", "client-1"), """{ "conversationId": "conv-a", "clientActivityId": "client-1" }""");
        ShouldRenderAs(MongoActivityStore.AfterFilter("conv-a", 3), """{ "conversationId": "conv-a", "sequence": { "$gt": { "$numberLong": "3" } } }""");
        ShouldRenderAs(MongoActivityStore.IdleFilter(["conv-a", "conv-b"], T0), $$"""{ "conversationId": { "$in": ["conv-a", "conv-b"] }, "at": { "$lt": {{T0Json}} } }""");
        Render(MongoActivityStore.InOrder).ShouldBe(BsonDocument.Parse("""{ "sequence": 1 }"""));
        Render(MongoActivityStore.LastFirst).ShouldBe(BsonDocument.Parse("""{ "sequence": -1 }"""));
    }

    [Fact]
    public void Staff_filters_render_the_email_key_and_one_whole_service()
    {
        ShouldRenderAs(MongoStaffAccountStore.ByEmail(" Alice@Surgery-A.example "), """{ "_id": "alice@surgery-a.example" }""");
        ShouldRenderAs(MongoStaffAccountStore.AtVersion("alice@surgery-a.example", 2), """{ "_id": "alice@surgery-a.example", "account.version": { "$numberLong": "2" } }""");
        ShouldRenderAs(MongoStaffAccountStore.ForService("surgery-a"), """{ "account.serviceIds": "surgery-a" }""");
        Render(MongoStaffAccountStore.ByEmailOrder).ShouldBe(BsonDocument.Parse("""{ "_id": 1 }"""));
    }

    [Fact]
    public void Sent_link_filters_render_the_id_the_token_hash_and_whole_services()
    {
        ShouldRenderAs(MongoSentLinkStore.ById("link-1"), """{ "_id": "link-1" }""");
        ShouldRenderAs(MongoSentLinkStore.ByTokenHash("""{"$ne": null}"""), """{ "tokenHash": "{\"$ne\": null}" }""");
        ShouldRenderAs(MongoSentLinkStore.AtVersion("link-1", 2), """{ "_id": "link-1", "version": { "$numberLong": "2" } }""");
        ShouldRenderAs(MongoSentLinkStore.ForServices(["surgery-a", "surgery-b"]), """{ "serviceId": { "$in": ["surgery-a", "surgery-b"] } }""");
        Render(MongoSentLinkStore.NewestFirst).ShouldBe(BsonDocument.Parse("""{ "sentAt": -1, "_id": 1 }"""));
    }

    [Fact]
    public void Index_keys_render_to_the_documented_fields()
    {
        MongoIndexes.Requests.Select(i => (i.Options.Name, Render(i.Keys).ToJson())).ShouldBe(
        [
            ("serviceId_status_createdAt", """{ "request.serviceId" : 1, "request.status" : 1, "request.createdAt" : -1 }"""),
            ("serviceId_createdAt", """{ "request.serviceId" : 1, "request.createdAt" : -1 }"""),
            ("referenceKey", """{ "search.referenceKey" : 1 }"""),
            ("serviceId_urgency_createdAt", """{ "request.serviceId" : 1, "search.urgency" : -1, "request.createdAt" : 1 }"""),
            ("serviceId_assignedTo_createdAt", """{ "request.serviceId" : 1, "request.assignedTo" : 1, "request.createdAt" : -1 }"""),
            ("pendingAudit", """{ "pendingAudit" : 1 }"""),
            ("matchStatus_matchReason_createdAt", """{ "request.match.status" : 1, "request.match.reason" : 1, "request.createdAt" : 1 }"""),
            ("serviceId_contactPhone_createdAt", """{ "request.serviceId" : 1, "request.contact.phone" : 1, "request.createdAt" : -1 }"""),
        ]);
        MongoIndexes.Messages.Select(i => (i.Options.Name, Render(i.Keys).ToJson(), i.Options.Unique)).ShouldBe(
        [
            ("referenceId_createdAt", """{ "referenceId" : 1, "createdAt" : 1 }""", (bool?)null),
            ("dedupeKey_unique", """{ "dedupeKey" : 1 }""", true),
            ("providerMessageId", """{ "providerMessageId" : 1 }""", null),
            ("serviceId_phone_createdAt_staff", """{ "serviceId" : 1, "phone" : 1, "createdAt" : -1 }""", null),
        ]);
        MongoIndexes.Outbox.Select(i => (i.Options.Name, Render(i.Keys).ToJson(), i.Options.Unique)).ShouldBe(
        [
            ("status_nextAttemptAt", """{ "status" : 1, "nextAttemptAt" : 1 }""", (bool?)null),
            ("to_createdAt", """{ "to" : 1, "createdAt" : -1 }""", null),
            ("idempotencyKey_unique", """{ "idempotencyKey" : 1 }""", true),
        ]);
        var partial = (CreateIndexOptions<OutboxMessage>)MongoIndexes.Outbox[2].Options;
        Render(partial.PartialFilterExpression).ShouldBe(BsonDocument.Parse("""{ "idempotencyKey": { "$type": 2 } }"""));
        MongoIndexes.Activities.Select(i => (i.Options.Name, Render(i.Keys).ToJson(), i.Options.Unique, i.Options.ExpireAfter)).ShouldBe(
        [
            ("conversationId_sequence_unique", """{ "conversationId" : 1, "sequence" : 1 }""", (bool?)true, (TimeSpan?)null),
            ("conversationId_clientActivityId_unique", """{ "conversationId" : 1, "clientActivityId" : 1 }""", true, null),
            ("at", """{ "at" : 1 }""", null, null),
            ("expiresAt_ttl", """{ "expiresAt" : 1 }""", null, TimeSpan.Zero),
        ]);
        MongoIndexes.Conversations.Select(i => (i.Options.Name, Render(i.Keys).ToJson(), i.Options.ExpireAfter)).ShouldBe(
        [
            ("updatedAt", """{ "updatedAt" : 1 }""", (TimeSpan?)null),
            ("expiresAt_ttl", """{ "expiresAt" : 1 }""", TimeSpan.Zero),
        ]);
        Render(MongoIndexes.UsageCounters.Single().Keys).ToJson().ShouldBe("""{ "serviceId" : 1, "counter" : 1, "day" : 1 }""");
        MongoIndexes.UsageCounters.Single().Options.Unique.ShouldBe(true);
        MongoIndexes.SentLinks.Select(i => (i.Options.Name, Render(i.Keys).ToJson(), i.Options.Unique)).ShouldBe(
        [
            ("tokenHash_unique", """{ "tokenHash" : 1 }""", (bool?)true),
            ("serviceId_sentAt", """{ "serviceId" : 1, "sentAt" : -1 }""", null),
        ]);
        var tokenHash = (CreateIndexOptions<SentLink>)MongoIndexes.SentLinks[0].Options;
        Render(tokenHash.PartialFilterExpression).ShouldBe(BsonDocument.Parse("""{ "tokenHash": { "$type": 2 } }"""));
    }
}
