using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Conversation.Hosting;
using PatientContact.Inbox;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>SPEC section 8: Production refuses to start without its settings, naming each one missing.</summary>
public class ProductionSettingsTests
{
    [Fact]
    public async Task Production_start_up_stops_naming_every_missing_setting()
    {
        var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["PublicBaseUrl"] = "",
            ["Twilio:AuthToken"] = "set",
        }));

        var message = error.ToString();
        foreach (var name in new[] { "PublicBaseUrl", "Twilio:AccountSid", "Twilio:ApiBaseUrl", "Pds:BaseUrl", "Verification:HashKey", "WebChat:TokenKey", "DataProtection:Certificate:Path", "Staff:SignIn" })
        {
            message.ShouldContain($"{name} is not set");
        }

        message.ShouldNotContain("Twilio:AuthToken is not set");
    }

    [Fact]
    public void A_complete_production_configuration_passes_and_each_gap_is_named()
    {
        var complete = new Dictionary<string, string?>
        {
            ["PublicBaseUrl"] = "https://contact.example.nhs.uk",
            ["Storage:Provider"] = "MongoDb",
            ["Storage:MongoDb:ConnectionString"] = "mongodb://db.example:27017",
            ["Storage:MongoDb:Database"] = "patientcontact",
            ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
            ["Twilio:AuthToken"] = "token",
            ["Twilio:ApiBaseUrl"] = "https://api.twilio.com",
            ["Pds:BaseUrl"] = "https://pds.example/FHIR/R4",
            ["Verification:HashKey"] = "AAAAAAAAAAAAAAAAAAAAAA==",
            ["WebChat:TokenKey"] = "AAAAAAAAAAAAAAAAAAAAAA==",
            ["DataProtection:Certificate:Path"] = "/etc/patientcontact/data-protection.pfx",
            ["Staff:SignIn"] = "Oidc",
            ["Staff:Oidc:Authority"] = "https://login.example.nhs.uk",
            ["Staff:Oidc:ClientId"] = "patientcontact",
            ["Staff:Oidc:ClientSecret"] = "secret",
        };

        ProductionSettings.Check(Build(complete)).ShouldBeEmpty();

        ProductionSettings.Check(Build(new(complete) { ["Storage:MongoDb:Database"] = " " }))
            .ShouldBe(["Storage:MongoDb:Database is not set (the MongoDB database name)."]);
        ProductionSettings.Check(Build(new(complete) { ["Staff:SignIn"] = "Magic" }))
            .ShouldBe(["Staff:SignIn is 'Magic', but must be one of Local, Oidc."]);
        ProductionSettings.Check(Build(new(complete) { ["Staff:Oidc:ClientSecret"] = null }))
            .ShouldBe(["Staff:Oidc:ClientSecret is not set (this service's client secret at the OpenID Connect provider)."]);
        ProductionSettings.Check(Build(new(complete) { ["Pds:Auth:Mode"] = "ApplicationRestricted" })).Count.ShouldBe(4);
        ProductionSettings.Check(Build(new(complete) { ["Pds:BaseUrl"] = null, ["Pds:Enabled"] = "false" })).ShouldBeEmpty();
        // Plain http only to this machine: a public http address would send everything in the clear, with no HSTS or Secure cookie.
        ProductionSettings.Check(Build(new(complete) { ["PublicBaseUrl"] = "http://contact.example.nhs.uk" })).ShouldHaveSingleItem()
            .ShouldStartWith("PublicBaseUrl is http://contact.example.nhs.uk, but must be https outside Development");
        ProductionSettings.Check(Build(new(complete) { ["PublicBaseUrl"] = "http://127.0.0.1:5000" })).ShouldBeEmpty();
        ProductionSettings.Check(Build(new(complete) { ["PublicBaseUrl"] = "http://localhost:5000" })).ShouldBeEmpty();
        // The SQLite path is only needed when SQLite is the store.
        ProductionSettings.Check(Build(new(complete) { ["Storage:Provider"] = "Sqlite" }))
            .ShouldBe(["Storage:Sqlite:Path is not set (the SQLite file)."]);
    }

    [Fact]
    public void Each_required_setting_is_declared_on_the_options_property_it_binds_from()
    {
        // A class declaring a required setting that the check does not walk would never be checked.
        var declaring = new[] { typeof(ProductionSettings).Assembly, typeof(RequiredOutsideDevelopmentAttribute).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.GetProperties().Any(property => property.IsDefined(typeof(RequiredOutsideDevelopmentAttribute))));
        ProductionSettings.OptionsClasses.Select(o => o.Options).ShouldBe(declaring, ignoreOrder: true);

        ProductionSettings.Declared.ShouldNotBeEmpty();
        foreach (var setting in ProductionSettings.Declared)
        {
            foreach (var value in setting.AllowedValues ?? ["https://binds.example/"])
            {
                // Only the one key is given: it must land on the property that declares it.
                var configuration = Build(new() { [setting.Key] = value });
                var section = setting.Section.Length == 0 ? configuration : configuration.GetSection(setting.Section);
                var bound = section.Get(setting.Property.DeclaringType!);

                bound.ShouldNotBeNull($"{setting.Key} binds nothing from section '{setting.Section}'");
                (setting.Property.GetValue(bound)?.ToString()).ShouldBe(value, $"{setting.Key} binds to {setting.Property.DeclaringType!.Name}.{setting.Property.Name}");
            }
        }
    }

    [Fact]
    public async Task Production_answers_carry_hsts_and_the_staff_cookies_are_secure_only()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pc-prod-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var host = await ServiceHost.StartAsync(CompleteSqlite(folder));
            using var client = host.CreateClient();

            var live = await client.GetAsync("/health/live");
            var login = await client.GetAsync("/inbox/login");

            live.Headers.GetValues("Strict-Transport-Security").ShouldBe(["max-age=31536000"]);
            login.Headers.GetValues("Strict-Transport-Security").ShouldBe(["max-age=31536000"]);
            var cookies = login.Headers.GetValues("Set-Cookie").ToList();
            cookies.ShouldNotBeEmpty();
            cookies.ShouldAllBe(cookie => cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase), "the anti-forgery cookie goes over HTTPS only, as the session cookie does");
            login.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, "TLS ended at the load balancer: the request is taken as the HTTPS one it was there");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Development_sends_no_hsts()
    {
        await using var host = await ServiceHost.StartAsync();
        using var client = host.CreateClient();

        var login = await client.GetAsync("/inbox/login");

        login.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        login.Headers.GetValues("Set-Cookie").ShouldAllBe(cookie => !cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A whole Production configuration on SQLite with local sign-in, PDS off, and every key set.</summary>
    internal static Dictionary<string, string?> CompleteSqlite(string folder) => new(KeyRingCertificates.Write(Path.Combine(folder, "data-protection.pfx")))
    {
        ["environment"] = "Production",
        ["PublicBaseUrl"] = "https://contact.example.nhs.uk",
        ["Storage:Provider"] = "Sqlite",
        ["Storage:Sqlite:Path"] = Path.Combine(folder, "patientcontact.db"),
        ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
        ["Twilio:AuthToken"] = "production-test-token",
        ["Twilio:ApiBaseUrl"] = "https://api.twilio.example",
        ["Pds:Enabled"] = "false",
        ["Verification:HashKey"] = Convert.ToBase64String(new byte[32]),
        ["WebChat:TokenKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
        ["Staff:SignIn"] = "Local",
        ["WebChat:NodeModulesPath"] = Path.Combine(RepoPaths.Root, "node_modules"),
    };

    [Fact]
    public async Task Any_environment_but_development_is_checked_like_production()
    {
        var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["environment"] = "Staging",
            ["Twilio:AuthToken"] = "set",
        }));

        var message = error.ToString();
        message.ShouldContain("The Staging environment cannot start with these settings");
        message.ShouldContain("Verification:HashKey is not set");
        message.ShouldContain("WebChat:TokenKey is not set");
    }

    [Fact]
    public async Task Development_features_outside_development_stop_start_up_naming_each()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pc-prod-" + Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>(CompleteSqlite(folder))
            {
                ["Outbox:Mode"] = "Hold",
                ["Demo:StaffPassword"] = "demo-inbox-password-2026",
                ["Development:StoreFaultRate"] = "0.01",
            }));

            var message = error.ToString();
            message.ShouldContain("Outbox:Mode is Hold: no text would be sent");
            message.ShouldContain("Demo:StaffPassword is set: the demo staff accounts");
            message.ShouldContain("Development:StoreFaultRate makes store calls fail on purpose");
            message.ShouldNotContain("is not set");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://localhost:5000;http://192.0.2.10:5000")]
    public async Task Development_listening_beyond_loopback_stops_start_up_unless_allowed(string urls)
    {
        var error = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?> { ["urls"] = urls }));
        error.ToString().ShouldContain("beyond this machine; bind it to localhost, or set Development:AllowNetwork=true to mean it.");

        await using var allowed = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["urls"] = urls, ["Development:AllowNetwork"] = "true" });
        using var client = allowed.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://127.0.0.1:5050;http://[::1]:5050")]
    public void Development_on_loopback_passes(string urls) =>
        ProductionSettings.CheckDevelopmentBinding(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build()).ShouldBeEmpty();

    private static IConfiguration Build(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
