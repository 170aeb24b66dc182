using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Storage;

/// <summary>
/// Web chat with <c>Storage:Provider=MongoDb</c>: the npm Direct Line client walks a whole conversation
/// to a request that is in MongoDB, two hosts on one database serve the same conversation in turn,
/// and no conversation opens while MongoDB cannot be reached.
/// </summary>
[Collection(MongoServerCollection.Name)]
public sealed class MongoWebChatEndToEndTests(MongoTestServer server)
{
    private Dictionary<string, string?> Settings(string database, string? connectionString = null, params (string Key, string? Value)[] more) =>
        WebChatTestSupport.Settings([
            ("Storage:Provider", "MongoDb"),
            ("Storage:MongoDb:ConnectionString", connectionString ?? server.ConnectionString),
            ("Storage:MongoDb:Database", database),
            .. more,
        ]);

    [Fact]
    public async Task Web_chat_by_the_directlinejs_client_ends_with_a_request_stored_in_mongodb()
    {
        var database = server.NewDatabaseName("e2e");
        await using var host = await ServiceHost.StartAsync(Settings(database));
        // The store is wrapped for tracing (TracedStore), so its type is not asserted: the request is read back from MongoDB below.

        var outcome = await DirectLineNodePeer.RunAsync(host, count: 1, "polling", withCode: true, TimeSpan.FromMinutes(2));

        outcome.Failures.ShouldBeEmpty(outcome.Errors);
        outcome.ExitCode.ShouldBe(0, outcome.Errors);
        var done = outcome.Done.ShouldHaveSingleItem();
        var reference = done["reference"]!.GetValue<string>();
        var conversationId = done["conversationId"]!.GetValue<string>();

        // Read straight from MongoDB with a client of its own: the request is there, not anywhere else.
        var stored = await Collection(database, MongoStorage.CollectionNames.Requests).Find(new BsonDocument("_id", reference)).SingleAsync();
        stored["request"]["channel"].ShouldBe(new BsonString("WebChat"));
        stored["request"]["serviceId"].ShouldBe(new BsonString("riverside-gp"));
        stored["request"]["conversationKey"].ShouldBe(new BsonString("webchat:" + conversationId));
        stored["request"]["contact"]["verified"].ShouldBe(BsonBoolean.True);
        (await Collection(database, MongoStorage.CollectionNames.Activities).CountDocumentsAsync(new BsonDocument("conversationId", conversationId)))
            .ShouldBeGreaterThan(10, "the Direct Line stream is kept in MongoDB too");
        (await Collection(database, MongoStorage.CollectionNames.Outbox).CountDocumentsAsync(new BsonDocument("purpose", "otp"))).ShouldBe(1);

        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(reference);
        request.ShouldNotBeNull().Contact.ShouldBe(new ContactDetails(WebChatTestSupport.JanesMobile, true, ContactPreference.Text));
        await server.DropDatabaseAsync(database);
    }

    [Fact]
    public async Task Two_hosts_on_one_database_serve_turns_of_the_same_web_chat_in_turn()
    {
        var database = server.NewDatabaseName("e2e");
        await using var first = await ServiceHost.StartAsync(Settings(database));
        await using var second = await ServiceHost.StartAsync(Settings(database));

        var onFirst = await new DirectLineHttp(first.CreateClient()).StartAsync();
        var onSecond = onFirst with { Http = new DirectLineHttp(second.CreateClient()) };

        await onSecond.SayAsync("No, it's not an emergency");
        (await onFirst.StepAsync()).ShouldBe("request-type");
        await onFirst.SayAsync("Medical request");
        (await onSecond.StepAsync()).ShouldBe("details");

        var (fromFirst, watermarkFirst) = await onFirst.ReadAsync();
        var (fromSecond, watermarkSecond) = await onSecond.ReadAsync();
        watermarkSecond.ShouldBe(watermarkFirst);
        fromSecond.Select(a => a["id"]!.GetValue<string>()).ShouldBe(fromFirst.Select(a => a["id"]!.GetValue<string>()), "one stream, whichever host reads it");
        fromFirst.Where(a => a["from"]!["role"]!.GetValue<string>() == "user").Select(a => a["text"]!.GetValue<string>())
            .ShouldBe(["No, it's not an emergency", "Medical request"]);
        await server.DropDatabaseAsync(database);
    }

    [Fact]
    public async Task Web_chat_does_not_open_while_mongodb_cannot_be_reached()
    {
        var unreachable = $"mongodb://127.0.0.1:{MongoTestServer.ClosedPort()}/?directConnection=true";
        await using var host = await ServiceHost.StartAsync(Settings("patientcontact", unreachable, ("Storage:MongoDb:ServerSelectionTimeout", "00:00:01")));
        var http = new DirectLineHttp(host.CreateClient());
        var (token, _) = await http.GetTokenAsync();

        using var open = await http.SendAsync(HttpMethod.Post, "/v3/directline/conversations", token);

        ((int)open.StatusCode).ShouldBeGreaterThanOrEqualTo(500);
        (await open.Content.ReadAsStringAsync()).ShouldNotContain("reference", Case.Insensitive);
    }

    private IMongoCollection<BsonDocument> Collection(string database, string name) =>
        server.Client.GetDatabase(database).GetCollection<BsonDocument>(name);
}
