using System.Net;
using System.Net.Http.Json;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Hosting;

public class HostTests
{
    [Fact]
    public async Task Health_endpoints_answer_on_a_real_kestrel()
    {
        await using var host = await ServiceHost.StartAsync();
        using var client = host.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["status"].ShouldBe("ready");
    }

    [Fact]
    public async Task Ready_is_503_saying_so_when_the_store_s_disk_is_nearly_full()
    {
        // More free space asked for than any disk has: the store still works, but readiness says the disk is nearly full.
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Storage:Sqlite:MinFreeDiskBytes"] = (long.MaxValue / 2).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = host.CreateClient();

        var ready = await client.GetAsync("/health/ready");

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var reason = (await ready.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["reason"];
        reason.ShouldStartWith("the SQLite file's disk is nearly full: ");
        reason.ShouldEndWith(" MB needed");
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_is_503_with_a_reason_when_the_store_cannot_be_opened()
    {
        var blocker = Path.Combine(Path.GetTempPath(), "pc-blocker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(blocker, "a file where a folder should be");
        try
        {
            await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
            {
                ["Storage:Sqlite:Path"] = Path.Combine(blocker, "sub", "patientcontact.db"),
            });
            using var client = host.CreateClient();

            var ready = await client.GetAsync("/health/ready");

            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var body = await ready.Content.ReadFromJsonAsync<Dictionary<string, string>>();
            body!["status"].ShouldBe("unavailable");
            body["reason"].ShouldNotBeNullOrWhiteSpace();
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public async Task A_broken_rule_file_stops_start_up_naming_the_file_rule_and_reason()
    {
        var rules = Path.Combine(Path.GetTempPath(), "pc-rules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "rules"), "*.json"))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)));
        }

        var path = Path.Combine(rules, "request-types.json");
        var text = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, text.Replace("input.ServiceType", "input.ServiceTypo", StringComparison.Ordinal));
        try
        {
            var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?> { ["Rules:Directory"] = rules }));

            var message = error.ToString();
            message.ShouldContain("request-types.json");
            message.ShouldContain("rule '");
            message.ShouldContain("ServiceTypo");
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }
}
