using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Tests.Matching.Support;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>The PDS settings are checked at start-up; a Production configuration missing one is refused, naming it.</summary>
public sealed class PdsSettingsTests : IAsyncLifetime
{
    private FakePds _pds = null!;

    public async Task InitializeAsync() => _pds = await FakePds.StartAsync();

    public async Task DisposeAsync() => await _pds.DisposeAsync();

    private PdsOptions Options(string environment, IDictionary<string, string?> settings)
    {
        using var services = PdsTestServices.Build(_pds, settings, environment: environment);
        return services.GetRequiredService<IOptions<PdsOptions>>().Value;
    }

    [Fact]
    public void In_development_pds_is_the_services_own_local_endpoint_by_default()
    {
        var options = Options("Development", new Dictionary<string, string?> { ["Pds:BaseUrl"] = null, ["PublicBaseUrl"] = "http://127.0.0.1:5123/" });

        options.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5123/dev/pds"));
        options.Auth.Mode.ShouldBe(PdsAuthMode.None);
        options.Search.MaxResults.ShouldBe(1);
    }

    [Theory]
    [InlineData(null, "Pds:BaseUrl is required")]
    [InlineData("http://pds.example/FHIR/R4", "Pds:BaseUrl must be an absolute https URL")]
    public void Production_needs_an_https_base_url(string? baseUrl, string message)
    {
        var error = Should.Throw<OptionsValidationException>(() => Options("Production", new Dictionary<string, string?> { ["Pds:BaseUrl"] = baseUrl }));

        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Production_must_sign_in_and_each_missing_credential_is_named()
    {
        var error = Should.Throw<OptionsValidationException>(() => Options("Production", new Dictionary<string, string?>
        {
            ["Pds:BaseUrl"] = "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
        }));
        error.Message.ShouldContain("Pds:Auth:Mode must be ApplicationRestricted in Production");

        error = Should.Throw<OptionsValidationException>(() => Options("Production", new Dictionary<string, string?>
        {
            ["Pds:BaseUrl"] = "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
            ["Pds:Auth:Mode"] = "ApplicationRestricted",
        }));
        foreach (var setting in new[] { "Pds:TokenUrl", "Pds:Auth:ApiKey", "Pds:Auth:KeyId", "Pds:Auth:PrivateKey" })
        {
            error.Message.ShouldContain(setting + " is required");
        }
    }

    [Fact]
    public void Application_restricted_access_allows_only_one_result()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var error = Should.Throw<OptionsValidationException>(() => Options("Development", new Dictionary<string, string?>
        {
            ["Pds:Auth:Mode"] = "ApplicationRestricted",
            ["Pds:Auth:ApiKey"] = "k",
            ["Pds:Auth:KeyId"] = "kid",
            ["Pds:Auth:PrivateKey"] = rsa.ExportRSAPrivateKeyPem(),
            ["Pds:TokenUrl"] = "https://int.api.service.nhs.uk/oauth2/token",
            ["Pds:Search:MaxResults"] = "5",
        }));

        error.Message.ShouldContain("Pds:Search:MaxResults must be 1");
    }

    [Fact]
    public void Switched_off_nothing_else_is_needed_even_in_production()
    {
        var options = Options("Production", new Dictionary<string, string?> { ["Pds:Enabled"] = "false", ["Pds:BaseUrl"] = null });

        options.Enabled.ShouldBeFalse();
    }

    [Fact]
    public void Out_of_range_timeouts_are_refused_by_name()
    {
        var error = Should.Throw<OptionsValidationException>(() => Options("Development", new Dictionary<string, string?>
        {
            ["Pds:Resilience:AttemptTimeout"] = "00:05:00",
            ["Pds:Resilience:TotalTimeout"] = "00:00:01",
        }));

        error.Message.ShouldContain("Pds:Resilience:AttemptTimeout");
        error.Message.ShouldContain("TotalTimeout must not be shorter");
    }
}
