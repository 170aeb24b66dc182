using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Tests.Matching.Support;

namespace PatientContact.Inbox.Tests.Matching;

/// <summary>Application-restricted sign-in: a signed JWT client assertion exchanged for an access token, kept until it expires.</summary>
public sealed class PdsSignInTests : IAsyncLifetime, IDisposable
{
    private static readonly PdsSearch JaneSmith = new() { Family = "Smith", Given = ["Jane"], BirthDate = new DateOnly(2010, 10, 22), MaxResults = 1 };

    private readonly RSA _key = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private FakePds _pds = null!;

    public async Task InitializeAsync()
    {
        _pds = await FakePds.StartAsync();
        _pds.Default = FakeAnswer.Fixture("spec-examples/PatientSearch.json");
    }

    public async Task DisposeAsync() => await _pds.DisposeAsync();

    public void Dispose() => _key.Dispose();

    private ServiceProvider Services(string? pem = null) => PdsTestServices.Build(
        _pds,
        new Dictionary<string, string?>
        {
            ["Pds:Auth:Mode"] = "ApplicationRestricted",
            ["Pds:Auth:ApiKey"] = "app-key-123",
            ["Pds:Auth:KeyId"] = "key-1",
            ["Pds:Auth:PrivateKey"] = pem ?? _key.ExportPkcs8PrivateKeyPem(),
            ["Pds:TokenUrl"] = _pds.TokenUrl.ToString(),
        },
        _clock);

    [Fact]
    public async Task The_client_assertion_is_an_rs512_jwt_the_platform_accepts_and_the_token_is_sent_as_bearer()
    {
        await Services().GetRequiredService<IPdsClient>().SearchAsync(JaneSmith);

        var tokenRequest = _pds.TokenRequests.ShouldHaveSingleItem();
        tokenRequest.Method.ShouldBe("POST");
        tokenRequest.Headers["Content-Type"].ShouldStartWith("application/x-www-form-urlencoded");
        var form = QueryHelpers.ParseQuery(tokenRequest.Body);
        form["grant_type"].ToString().ShouldBe("client_credentials");
        form["client_assertion_type"].ToString().ShouldBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

        var parts = form["client_assertion"].ToString().Split('.');
        parts.Length.ShouldBe(3);
        var header = Json(parts[0]);
        header.GetProperty("alg").GetString().ShouldBe("RS512");
        header.GetProperty("typ").GetString().ShouldBe("JWT");
        header.GetProperty("kid").GetString().ShouldBe("key-1");
        var claims = Json(parts[1]);
        claims.GetProperty("iss").GetString().ShouldBe("app-key-123");
        claims.GetProperty("sub").GetString().ShouldBe("app-key-123");
        claims.GetProperty("aud").GetString().ShouldBe(_pds.TokenUrl.ToString());
        Guid.TryParse(claims.GetProperty("jti").GetString(), out _).ShouldBeTrue();
        claims.GetProperty("exp").GetInt64().ShouldBe(_clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds());
        _key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1)
            .ShouldBeTrue();

        _pds.Searches.ShouldHaveSingleItem().Headers["Authorization"].ShouldBe("Bearer Tok3nNumber1");
    }

    [Fact]
    public async Task The_token_is_kept_until_shortly_before_it_expires_and_each_assertion_has_a_fresh_jti()
    {
        var client = Services().GetRequiredService<IPdsClient>();

        await client.SearchAsync(JaneSmith);
        await client.SearchAsync(JaneSmith);
        _clock.Advance(TimeSpan.FromSeconds(500));
        await client.SearchAsync(JaneSmith);
        _pds.TokenRequests.Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(60));
        await client.SearchAsync(JaneSmith);

        _pds.TokenRequests.Count.ShouldBe(2);
        _pds.TokenRequests.Select(r => Json(QueryHelpers.ParseQuery(r.Body)["client_assertion"].ToString().Split('.')[1]).GetProperty("jti").GetString())
            .Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task A_token_pds_refuses_is_renewed_once_and_the_search_tried_again()
    {
        var tokens = 0;
        _pds.TokenAnswer = _ => new FakeAnswer(200, $$"""{"access_token":"Tok3n{{++tokens}}","expires_in":"599","token_type":"Bearer","issued_at":"0"}""");
        _pds.Answer(FakeAnswer.Fixture("operation-outcomes/invalid_access_token.json", 401));
        var client = Services().GetRequiredService<IPdsClient>();

        var result = await client.SearchAsync(JaneSmith);

        result.Patients.ShouldHaveSingleItem();
        _pds.Searches.Select(s => s.Headers["Authorization"]).ShouldBe(["Bearer Tok3n1", "Bearer Tok3n2"]);
    }

    [Fact]
    public async Task A_refused_sign_in_is_a_sign_in_failure_and_no_search_is_sent()
    {
        _pds.TokenAnswer = _ => new FakeAnswer(401, """{"error":"invalid_client","error_description":"key not found"}""");

        var error = await Should.ThrowAsync<PdsUnavailableException>(() => Services().GetRequiredService<IPdsClient>().SearchAsync(JaneSmith));

        error.Failure.ShouldBe(PdsFailure.SignIn);
        error.Message.ShouldNotContain("key not found");
        _pds.Searches.ShouldBeEmpty();
    }

    [Fact]
    public void A_key_that_is_not_an_rsa_private_key_stops_start_up_naming_the_setting()
    {
        using var services = Services(_key.ExportSubjectPublicKeyInfoPem());

        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PdsOptions>>().Value);

        error.Message.ShouldContain("Pds:Auth:PrivateKey is not an RSA private key");
    }

    private static JsonElement Json(string base64Url) => JsonDocument.Parse(Base64Url(base64Url)).RootElement.Clone();

    private static byte[] Base64Url(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
