using System.Net;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage.Mongo;
using PatientContact.Tests.Support;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>
/// The Data Protection key ring (what signs and encrypts the staff sign-in cookie) is kept in the store,
/// encrypted with <c>DataProtection:Certificate</c>: two hosts on one MongoDB read each other's cookies, a
/// restart keeps them, the stored keys hold no secret in the clear, and a host with another certificate
/// cannot read them (its staff sign in again).
/// </summary>
[Collection(MongoServerCollection.Name)]
public sealed class DataProtectionKeyRingTests(MongoTestServer server) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pc-keyring-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Staff_signed_in_on_one_host_are_signed_in_on_another_sharing_the_store()
    {
        var database = server.NewDatabaseName("keyring");
        var certificate = KeyRingCertificates.Write(Path.Combine(_folder, "data-protection.pfx"));
        await using var first = await ServiceHost.StartAsync(OnMongo(database, certificate));
        await using var second = await ServiceHost.StartAsync(OnMongo(database, certificate));

        using var staff = await StaffClient.SignInAsync(first, RiversideStaff);
        var onSecond = await InboxPageAsync(second, staff.Cookies);

        onSecond.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await onSecond.Content.ReadAsStringAsync()).ShouldContain("Sign out");
        var keys = await server.Client.GetDatabase(database).GetCollection<BsonDocument>(MongoStorage.CollectionNames.KeyRing)
            .Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        var xml = keys.ShouldHaveSingleItem()["xml"].AsString;
        ShouldBeEncrypted(xml);
    }

    [Fact]
    public async Task A_host_with_another_certificate_cannot_read_the_stored_keys_and_sends_staff_to_sign_in()
    {
        var database = server.NewDatabaseName("keyring");
        await using var first = await ServiceHost.StartAsync(OnMongo(database, KeyRingCertificates.Write(Path.Combine(_folder, "one.pfx"))));
        await using var other = await ServiceHost.StartAsync(OnMongo(database, KeyRingCertificates.Write(Path.Combine(_folder, "other.pfx"))));

        using var staff = await StaffClient.SignInAsync(first, RiversideStaff);
        var onOther = await InboxPageAsync(other, staff.Cookies);

        onOther.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        onOther.Headers.Location!.ToString().ShouldContain("/inbox/login?returnUrl=");
        (await InboxPageAsync(first, staff.Cookies)).StatusCode.ShouldBe(HttpStatusCode.OK, "the first host still reads its own key");
    }

    [Fact]
    public async Task A_previous_certificate_still_opens_the_keys_it_encrypted_after_the_certificate_is_replaced()
    {
        var database = server.NewDatabaseName("keyring");
        var old = KeyRingCertificates.Write(Path.Combine(_folder, "old.pfx"));
        await using var before = await ServiceHost.StartAsync(OnMongo(database, old));
        using var staff = await StaffClient.SignInAsync(before, RiversideStaff);

        var replaced = new Dictionary<string, string?>(KeyRingCertificates.Write(Path.Combine(_folder, "new.pfx")))
        {
            ["DataProtection:PreviousCertificates:0:Path"] = old["DataProtection:Certificate:Path"],
            ["DataProtection:PreviousCertificates:0:Password"] = KeyRingCertificates.Password,
        };
        await using var after = await ServiceHost.StartAsync(OnMongo(database, replaced));

        (await InboxPageAsync(after, staff.Cookies)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_in_survives_a_restart_on_sqlite_and_the_stored_key_is_encrypted()
    {
        var settings = Settings([.. KeyRingCertificates.Write(Path.Combine(_folder, "data-protection.pfx")).Select(s => (s.Key, s.Value))]);
        await using var host = await ServiceHost.StartAsync(settings);
        using var staff = await StaffClient.SignInAsync(host, RiversideStaff);

        await host.RestartAsync();

        (await InboxPageAsync(host, staff.Cookies)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "patientcontact.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM key_ring WHERE name LIKE 'key-%';";
        ShouldBeEncrypted((string)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("missing", "names no file")]
    [InlineData("wrong-password", "could not be opened as a PKCS#12 (.pfx) file with DataProtection:Certificate:Password")]
    [InlineData("key-path", "DataProtection:KeyPath is no longer read")]
    public async Task A_bad_certificate_setting_stops_start_up_naming_it(string problem, string message)
    {
        var settings = Settings([.. KeyRingCertificates.Write(Path.Combine(_folder, "data-protection.pfx")).Select(s => (s.Key, s.Value))]);
        switch (problem)
        {
            case "missing":
                settings["DataProtection:Certificate:Path"] = Path.Combine(_folder, "absent.pfx");
                break;
            case "wrong-password":
                settings["DataProtection:Certificate:Password"] = "not-the-password";
                break;
            default:
                settings["DataProtection:KeyPath"] = _folder;
                break;
        }

        var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(settings));

        error.ToString().ShouldContain(message);
        error.ToString().ShouldNotContain("not-the-password");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Dictionary<string, string?> OnMongo(string database, Dictionary<string, string?> certificate) =>
        Settings([
            ("Storage:Provider", "MongoDb"),
            ("Storage:MongoDb:ConnectionString", server.ConnectionString),
            ("Storage:MongoDb:Database", database),
            .. certificate.Select(s => (s.Key, s.Value)),
        ]);

    /// <summary>The inbox list as a browser holding these cookies sees it on <paramref name="host"/> (no redirect followed).</summary>
    private static async Task<HttpResponseMessage> InboxPageAsync(ServiceHost host, CookieContainer cookies)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var response = await client.GetAsync("/inbox");
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The key's secret is an XML-encrypted blob, not the framework's "unencrypted form" with its value in the clear.</summary>
    private static void ShouldBeEncrypted(string xml)
    {
        xml.ShouldContain("<encryptedSecret");
        xml.ShouldContain("EncryptedData");
        xml.ShouldNotContain("<value>");
        xml.ShouldNotContain("unencrypted form");
    }
}
