using System.Net;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Tests.Support;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>
/// Two hosts on one store, as a deployment behind a load balancer runs: wrong sign-ins counted on one
/// are counted on the other, per client address and per email without an account, so a second host
/// gives a guesser no second budget. Over HTTP to two real Kestrels, on one SQLite file and on one MongoDB.
/// </summary>
[Collection(MongoServerCollection.Name)]
public sealed class SharedLimitsTests(MongoTestServer server) : IAsyncLifetime
{
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Owner = IPAddress.Parse("127.0.0.3");

    // Every host is given the same key: the limits' keys are hashed with it.
    private static readonly string HashKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pc-limits-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder if a file is still held.
        }

        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("MongoDb")]
    public async Task Wrong_tries_from_one_address_spread_over_two_hosts_delay_that_address_on_both(string store)
    {
        var (first, second) = await StartTwoAsync(store);
        await using var a = first;
        await using var b = second;
        using var onFirst = StaffClient.Anonymous(first, Stranger);
        using var onSecond = StaffClient.Anonymous(second, Stranger);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 20; i++)
        {
            last = await (i % 2 == 0 ? onFirst : onSecond).TrySignInAsync($"someone{i}@riverside.example", "guess");
            last.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        last.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1), "ten wrong tries on each host are twenty from that address");
        (await onFirst.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await onSecond.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        using var owner = StaffClient.Anonymous(second, Owner);
        (await owner.TrySignInAsync(RiversideStaff, DemoPassword)).StatusCode.ShouldBe(HttpStatusCode.SeeOther, "another address is not slowed");
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("MongoDb")]
    public async Task An_email_without_an_account_is_delayed_on_one_schedule_across_two_hosts_as_a_real_one_is(string store)
    {
        var (first, second) = await StartTwoAsync(store);
        await using var a = first;
        await using var b = second;
        var unknown = new List<(HttpStatusCode, TimeSpan?)>();
        var real = new List<(HttpStatusCode, TimeSpan?)>();
        for (var i = 0; i < 7; i++)
        {
            var host = i % 2 == 0 ? first : second;
            using var stranger = StaffClient.Anonymous(host, Stranger);
            using var owner = StaffClient.Anonymous(host, Owner);
            var toUnknown = await stranger.TrySignInAsync("nobody@riverside.example", "guess " + i);
            var toReal = await owner.TrySignInAsync(RiversideStaff, "guess " + i);
            unknown.Add((toUnknown.StatusCode, toUnknown.Headers.RetryAfter?.Delta));
            real.Add((toReal.StatusCode, toReal.Headers.RetryAfter?.Delta));
        }

        unknown.ShouldBe(real, "the answers do not tell which emails have accounts, whichever host gives them");
        unknown[5].ShouldBe((HttpStatusCode.TooManyRequests, (TimeSpan?)TimeSpan.FromSeconds(1)), "the sixth try waits, though the hosts took turns");
    }

    private async Task<(ServiceHost First, ServiceHost Second)> StartTwoAsync(string store)
    {
        var settings = store == "MongoDb"
            ? Settings(
                ("Storage:Provider", "MongoDb"),
                ("Storage:MongoDb:ConnectionString", server.ConnectionString),
                ("Storage:MongoDb:Database", server.NewDatabaseName("limits")),
                ("Verification:HashKey", HashKey))
            : Settings(
                ("Storage:Sqlite:Path", Path.Combine(_folder, "limits.db")),
                ("Verification:HashKey", HashKey));
        var first = await ServiceHost.StartAsync(settings, time: _clock);
        var second = await ServiceHost.StartAsync(settings, time: _clock);
        return (first, second);
    }
}
