using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Storage;

/// <summary>
/// The whole service with <c>Storage:Provider=MongoDb</c>, pointed at the MongoDB test server (or a real
/// MongoDB named by <c>PATIENTCONTACT_TEST_MONGODB</c>): a conversation by text to a request that is in
/// MongoDB, and what happens when MongoDB cannot be reached or is not configured. Web chat on MongoDB:
/// <see cref="MongoWebChatEndToEndTests"/>.
/// </summary>
[Collection(MongoServerCollection.Name)]
public sealed partial class MongoStorageEndToEndTests(MongoTestServer server)
{
    private const string Riverside = "+447700900001";
    private readonly string _twilioToken = TwilioSms.NewAuthToken();

    private Dictionary<string, string?> Settings(string database, string? connectionString = null, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Provider"] = "MongoDb",
            ["Storage:MongoDb:ConnectionString"] = connectionString ?? server.ConnectionString,
            ["Storage:MongoDb:Database"] = database,
            ["Twilio:AuthToken"] = _twilioToken,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task Conversation_by_text_ends_with_a_request_stored_in_mongodb()
    {
        var database = server.NewDatabaseName("e2e");
        await using var host = await ServiceHost.StartAsync(Settings(database));
        var twilio = new TwilioSms(host, _twilioToken);
        const string from = "+447700900124";

        var replies = await twilio.TextAsync(from, Riverside,
            "Hello", "N", "medical request", "My eczema has flared up again and the cream is not working.", "No", "Myself",
            "jane", "SMITH", "22/10/2010", "f", "ls16ae", "07700 900124", "Text me please", "yes please");

        var last = replies[^1].Message;
        last.ShouldNotBeNull().ShouldContain("Your reference is ");
        var reference = ReferencePattern().Match(last).Groups[1].Value;
        var stored = await Collection(database, MongoStorage.CollectionNames.Requests).Find(new BsonDocument("_id", reference)).SingleAsync();
        stored["request"]["channel"].ShouldBe(new BsonString("Sms"));
        stored["request"]["patient"].ShouldBe(BsonDocument.Parse(
            """{ "firstName": "jane", "lastName": "SMITH", "dateOfBirth": "2010-10-22", "gender": "Female", "postcode": "LS1 6AE" }"""));
        stored["request"]["conversationKey"].ShouldBe(new BsonString($"sms:riverside-gp:{from}"));

        (await Collection(database, MongoStorage.CollectionNames.Requests).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty)).ShouldBe(1);
        await server.DropDatabaseAsync(database);
    }

    [Fact]
    public async Task Unreachable_mongodb_makes_ready_503_and_no_turn_is_answered_as_submitted()
    {
        var unreachable = $"mongodb://127.0.0.1:{MongoTestServer.ClosedPort()}/?directConnection=true";
        // Start-up goes on (the indexes and the demo staff wait for the server); readiness says why not.
        await using var host = await ServiceHost.StartAsync(Settings("patientcontact", unreachable,
            ("Storage:MongoDb:ServerSelectionTimeout", "00:00:01"),
            ("Storage:MongoDb:HealthTimeout", "00:00:01")));
        using var client = host.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await ready.Content.ReadFromJsonAsync<JsonObject>();
        body!["status"]!.GetValue<string>().ShouldBe("unavailable");
        var reason = body["reason"]!.GetValue<string>();
        // The driver says "connection refused" once its first heartbeat has failed, or only that server selection
        // timed out if the check comes first (on a busy machine it can): either way it names MongoDB as the cause.
        reason.ShouldStartWith("MongoDB ", Case.Sensitive, reason);
        (reason.Contains("ConnectionRefused", StringComparison.Ordinal) || reason.Contains("Timeout", StringComparison.Ordinal) || reason.Contains("did not answer", StringComparison.Ordinal)).ShouldBeTrue(reason);
        // Readiness is often public: it names no host or port (the log has them for the operator).
        reason.ShouldNotContain("127.0.0.1");
        reason.ShouldNotContain(unreachable.Split(':')[2].Split('/')[0]);
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A text cannot be taken in: the webhook does not answer 200 (so Twilio tries again later) and says nothing of a reference.
        var twilio = new TwilioSms(host, _twilioToken);
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), "+447700900125", Riverside, "yes please");
        var signature = (await twilio.SignAsync([(twilio.WebhookUrl, fields)])).Single();
        var text = await twilio.PostAsync(fields, signature);
        ((int)text.Status).ShouldBeGreaterThanOrEqualTo(500, text.Body);
        text.Body.ShouldNotContain("reference", Case.Insensitive);

    }

    [Fact]
    public async Task Start_up_with_mongodb_but_no_connection_string_fails_naming_the_setting()
    {
        var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "MongoDb",
            ["Storage:MongoDb:Database"] = "patientcontact",
        }));

        error.ToString().ShouldContain("Storage:MongoDb:ConnectionString is required");
    }

    private IMongoCollection<BsonDocument> Collection(string database, string name) =>
        server.Client.GetDatabase(database).GetCollection<BsonDocument>(name);

    [GeneratedRegex("reference is ([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})")]
    private static partial Regex ReferencePattern();
}
