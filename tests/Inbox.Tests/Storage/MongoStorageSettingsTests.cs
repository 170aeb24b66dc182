using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Tests.Support;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>
/// The MongoDB client settings, settings validation and registration, with no server: what
/// docs/deployment.md promises about write concern, retryable writes, timeouts and start-up.
/// </summary>
public sealed class MongoStorageSettingsTests
{
    private static MongoStorageOptions Options(string connectionString = "mongodb://db1.example:27017,db2.example:27017/?replicaSet=rs0") =>
        new() { ConnectionString = connectionString, Database = "patientcontact" };

    [Fact]
    public void Client_retries_writes_and_reads_and_fails_over_within_seconds()
    {
        var settings = MongoStorageServiceCollectionExtensions.CreateClientSettings(Options());

        settings.RetryWrites.ShouldBeTrue();
        settings.RetryReads.ShouldBeTrue();
        settings.ServerSelectionTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        settings.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        settings.ApplicationName.ShouldBe("PatientContact");
        settings.ReplicaSetName.ShouldBe("rs0");
        settings.Servers.Select(s => s.Host).ShouldBe(["db1.example", "db2.example"]);
    }

    [Fact]
    public void Retryable_writes_stay_on_even_when_the_connection_string_turns_them_off()
    {
        var settings = MongoStorageServiceCollectionExtensions.CreateClientSettings(
            Options("mongodb://db1.example/?retryWrites=false&retryReads=false&appName=inbox-east"));

        settings.RetryWrites.ShouldBeTrue();
        settings.RetryReads.ShouldBeTrue();
        settings.ApplicationName.ShouldBe("inbox-east");
    }

    [Fact]
    public void Timeouts_come_from_the_settings()
    {
        var options = Options();
        options.ServerSelectionTimeout = TimeSpan.FromSeconds(12);
        options.ConnectTimeout = TimeSpan.FromSeconds(3);

        var settings = MongoStorageServiceCollectionExtensions.CreateClientSettings(options);

        settings.ServerSelectionTimeout.ShouldBe(TimeSpan.FromSeconds(12));
        settings.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Submissions_are_written_with_majority_and_journal_and_reads_go_to_the_primary()
    {
        using var client = new MongoClient(MongoStorageServiceCollectionExtensions.CreateClientSettings(
            Options("mongodb://db1.example/?readPreference=secondaryPreferred&w=1")));

        var storage = new MongoStorage(client, Options());

        MongoStorage.SubmissionWriteConcern.W.ShouldBe(WriteConcern.WValue.Parse("majority"));
        MongoStorage.SubmissionWriteConcern.Journal.ShouldBe(true);
        storage.Requests.Settings.WriteConcern.ShouldBe(MongoStorage.SubmissionWriteConcern);
        storage.Database.Settings.ReadPreference.ShouldBe(ReadPreference.Primary);
        storage.Requests.Settings.ReadPreference.ShouldBe(ReadPreference.Primary);
        storage.Conversations.Settings.ReadPreference.ShouldBe(ReadPreference.Primary);
    }

    [Theory]
    [InlineData(null, "patientcontact", "Storage:MongoDb:ConnectionString is required")]
    [InlineData("  ", "patientcontact", "Storage:MongoDb:ConnectionString is required")]
    [InlineData("mongodb://db1.example", null, "Storage:MongoDb:Database is required")]
    [InlineData("mongodb://db1.example", "patient.contact", "Storage:MongoDb:Database 'patient.contact' is not a MongoDB database name")]
    [InlineData("mongodb://db1.example", "patient contact", "Storage:MongoDb:Database 'patient contact' is not a MongoDB database name")]
    [InlineData("postgres://db1.example", "patientcontact", "Storage:MongoDb:ConnectionString is not a valid MongoDB connection string")]
    public void Invalid_settings_are_refused_naming_the_setting(string? connectionString, string? database, string message)
    {
        var result = new MongoStorageOptionsValidator().Validate(null, new MongoStorageOptions { ConnectionString = connectionString, Database = database });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldNotBeNull().ShouldContain(message);
    }

    [Fact]
    public void Refused_connection_string_is_not_repeated_in_the_message()
    {
        var result = new MongoStorageOptionsValidator().Validate(null, Options("mongodb://inbox:S3cret-Passw0rd@db1.example/?authMechanism=NOT-A-MECHANISM&replicaSet="));

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldNotBeNull().ShouldNotContain("S3cret");
        result.FailureMessage.ShouldNotContain("inbox:");
    }

    [Fact]
    public void Zero_timeouts_and_short_retention_are_refused()
    {
        var options = Options();
        options.HealthTimeout = TimeSpan.Zero;
        options.ConversationRetention = TimeSpan.FromMinutes(5);

        var result = new MongoStorageOptionsValidator().Validate(null, options);

        result.FailureMessage.ShouldNotBeNull().ShouldContain("Storage:MongoDb:HealthTimeout must be more than zero");
        result.FailureMessage.ShouldContain("Storage:MongoDb:ConversationRetention must be at least 1.00:00:00");
    }

    [Fact]
    public void Good_settings_pass()
    {
        new MongoStorageOptionsValidator().Validate(null, Options()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task Start_up_without_the_settings_fails_naming_both()
    {
        using var host = Host(new Dictionary<string, string?>());

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        error.Message.ShouldContain("Storage:MongoDb:ConnectionString is required");
        error.Message.ShouldContain("Storage:MongoDb:Database is required");
    }

    [Fact]
    public void Every_store_resolves_to_the_mongodb_one_over_one_client()
    {
        using var host = Host(new Dictionary<string, string?>
        {
            ["Storage:MongoDb:ConnectionString"] = $"mongodb://127.0.0.1:{MongoTestServer.ClosedPort()}/",
            ["Storage:MongoDb:Database"] = "patientcontact",
        });
        var services = host.Services;

        services.GetRequiredService<IConversationStore>().ShouldBeOfType<MongoConversationStore>();
        services.GetRequiredService<IRequestStore>().ShouldBeOfType<MongoRequestStore>();
        services.GetRequiredService<IOutboxStore>().ShouldBeOfType<MongoOutboxStore>();
        services.GetRequiredService<IAuditStore>().ShouldBeOfType<MongoAuditStore>();
        services.GetRequiredService<IUsageCounterStore>().ShouldBeOfType<MongoUsageCounterStore>();
        services.GetRequiredService<IOptOutStore>().ShouldBeOfType<MongoOptOutStore>();
        services.GetRequiredService<IActivityStore>().ShouldBeOfType<MongoActivityStore>();
        services.GetRequiredService<IStaffAccountStore>().ShouldBeOfType<MongoStaffAccountStore>();
        services.GetRequiredService<ISentLinkStore>().ShouldBeOfType<MongoSentLinkStore>();
        services.GetRequiredService<IStoreHealth>().ShouldBeOfType<MongoStoreHealth>();
        services.GetRequiredService<IMongoClient>().ShouldBeSameAs(services.GetRequiredService<IMongoClient>());
        services.GetRequiredService<MongoStorage>().DatabaseName.ShouldBe("patientcontact");
    }

    [Fact]
    public async Task Unreachable_server_does_not_stop_start_up_but_every_write_throws_rather_than_pretend()
    {
        using var host = Host(new Dictionary<string, string?>
        {
            ["Storage:MongoDb:ConnectionString"] = $"mongodb://127.0.0.1:{MongoTestServer.ClosedPort()}/?directConnection=true",
            ["Storage:MongoDb:Database"] = "patientcontact",
            ["Storage:MongoDb:ServerSelectionTimeout"] = "00:00:01",
            ["Storage:MongoDb:HealthTimeout"] = "00:00:01",
        });

        await host.StartAsync();

        (await host.Services.GetRequiredService<IStoreHealth>().CheckAsync()).Healthy.ShouldBeFalse();
        var requests = host.Services.GetRequiredService<IRequestStore>();
        await Should.ThrowAsync<TimeoutException>(() => requests.AddAsync(Request()));
        var conversations = host.Services.GetRequiredService<IConversationStore>();
        await Should.ThrowAsync<TimeoutException>(() => conversations.TrySaveAsync(new ConversationRecord("webchat:1", "surgery-a", "review", "{}"u8.ToArray(), 2, DateTimeOffset.UnixEpoch)));
        await host.StopAsync();
    }

    private static IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMongoStorage();
        return builder.Build();
    }

    private static ContactRequest Request() => new()
    {
        ReferenceId = "ABCD-2345",
        ServiceId = "surgery-a",
        RequestTypeId = "repeat-prescription",
        RequestType = "Repeat prescription",
        Details = "details",
        CreatedAt = DateTimeOffset.UnixEpoch,
        Patient = new PatientDetails("Ada", "Lovelace", new DateOnly(1985, 12, 10), Gender.Female, "LS1 4AP"),
        SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
        Contact = new ContactDetails("+447700900123", true, ContactPreference.Text),
        Channel = Channel.WebChat,
        ConversationKey = "webchat:1",
    };
}
