using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Tests.Storage;

public sealed class SqliteStorageRegistrationTests : IDisposable
{
    private readonly string _contentRoot = Path.Combine(Path.GetTempPath(), "patientcontact-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_contentRoot))
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Every_store_resolves_to_one_shared_database_under_the_content_root()
    {
        var services = new ServiceCollection()
            .AddSingleton<IHostEnvironment>(new TestEnvironment(_contentRoot))
            .AddSqliteStorage(SqliteStorageOptions.DefaultPath);

        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            var database = provider.GetRequiredService<SqliteDatabase>();
            database.Path.ShouldBe(Path.Combine(_contentRoot, "data", "patientcontact.db"));

            provider.GetRequiredService<IConversationStore>().ShouldBeOfType<SqliteConversationStore>();
            provider.GetRequiredService<IRequestStore>().ShouldBeOfType<SqliteRequestStore>();
            provider.GetRequiredService<IOutboxStore>().ShouldBeOfType<SqliteOutboxStore>();
            provider.GetRequiredService<IAuditStore>().ShouldBeOfType<SqliteAuditStore>();
            provider.GetRequiredService<IUsageCounterStore>().ShouldBeOfType<SqliteUsageCounterStore>();
            provider.GetRequiredService<IOptOutStore>().ShouldBeOfType<SqliteOptOutStore>();
            provider.GetRequiredService<IActivityStore>().ShouldBeOfType<SqliteActivityStore>();
            provider.GetRequiredService<ISentLinkStore>().ShouldBeOfType<SqliteSentLinkStore>();
            provider.GetRequiredService<IRequestStore>().ShouldBeSameAs(provider.GetRequiredService<IRequestStore>());
            provider.GetRequiredService<SqliteDatabase>().ShouldBeSameAs(database);

            (await provider.GetRequiredService<IStoreHealth>().CheckAsync()).Healthy.ShouldBeTrue();
        }

        File.Exists(Path.Combine(_contentRoot, "data", "patientcontact.db")).ShouldBeTrue();
    }

    [Fact]
    public void Rooted_path_is_used_as_it_is()
    {
        var rooted = Path.Combine(_contentRoot, "elsewhere", "store.db");
        var services = new ServiceCollection()
            .AddSingleton<IHostEnvironment>(new TestEnvironment(Path.Combine(_contentRoot, "root")))
            .AddSqliteStorage(rooted);

        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<SqliteDatabase>().Path.ShouldBe(rooted);
        File.Exists(rooted).ShouldBeFalse("nothing is opened until a store is first used");
    }

    private sealed class TestEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "PatientContact.Tests";
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
