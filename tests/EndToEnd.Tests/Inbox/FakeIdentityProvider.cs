using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// A stand-in OpenID Connect provider on 127.0.0.1 speaking the protocol the inbox's client uses:
/// discovery, a JWKS with one RSA key, the token endpoint (authorization code with PKCE S256 and a
/// client secret) issuing RS256-signed ID tokens, and userinfo. Where a person would sign in at the
/// provider, a test calls <see cref="Authorize"/> with the claims that person has. Systems registered
/// with <see cref="RegisterMachineClient"/> get RS256-signed JWT access tokens with the client
/// credentials grant.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "patientcontact-inbox";
    public const string ClientSecret = "test-client-secret";

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MachineClient> _machines = new(StringComparer.Ordinal);

    private FakeIdentityProvider(WebApplication app) => _app = app;

    public string Issuer => _app.Urls.First().TrimEnd('/');

    /// <summary>Token requests refused (wrong secret, wrong verifier, unknown code), for tests to check.</summary>
    public int RefusedTokenRequests { get; private set; }

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Keys);
        app.MapPost("/token", (HttpRequest request) => provider.TokenAsync(request));
        app.MapGet("/userinfo", provider.UserInfo);
        await app.StartAsync();
        return provider;
    }

    /// <summary>
    /// The person signs in at the provider: checks the authorization request the inbox sent the browser to,
    /// and gives the code the provider would send back with it.
    /// </summary>
    public string Authorize(Uri authorizeUrl, string subject, IReadOnlyDictionary<string, object> idTokenClaims, IReadOnlyDictionary<string, object> userInfoClaims)
    {
        var query = QueryHelpers(authorizeUrl);
        query["client_id"].ShouldBe(ClientId);
        query["response_type"].ShouldBe("code");
        query["code_challenge_method"].ShouldBe("S256");
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = new Grant(subject, query["nonce"], query["code_challenge"], query["redirect_uri"], idTokenClaims, userInfoClaims);
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["userinfo_endpoint"] = $"{Issuer}/userinfo",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["grant_types_supported"] = new[] { "authorization_code", "client_credentials" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
    });

    private IResult Keys()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = _keyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
    }

    /// <summary>A system (not a person) that gets access tokens with the client credentials grant, for these scopes.</summary>
    public void RegisterMachineClient(string clientId, string secret, string audience, string scope) =>
        _machines[clientId] = new MachineClient(secret, audience, scope);

    /// <summary>
    /// An access token as the token endpoint issues it; or, for tests of refusal, one signed with a key
    /// the provider never published, or already expired.
    /// </summary>
    public string AccessToken(string clientId, string audience, string scope, TimeSpan? lifetime = null, bool signedElsewhere = false)
    {
        using var stranger = RSA.Create(2048);
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["client_id"] = clientId, ["scope"] = scope },
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now.AddSeconds(-5),
            Expires = expires,
            SigningCredentials = new SigningCredentials(
                signedElsewhere ? new RsaSecurityKey(stranger) { KeyId = _keyId } : new RsaSecurityKey(_rsa) { KeyId = _keyId },
                SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = ClientCredentials(request, form);
        if (form["grant_type"] == "client_credentials")
        {
            if (clientId is null || !_machines.TryGetValue(clientId, out var machine) || machine.Secret != secret)
            {
                RefusedTokenRequests++;
                return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            return Results.Json(new { access_token = AccessToken(clientId, machine.Audience, machine.Scope), token_type = "Bearer", expires_in = 300, scope = machine.Scope });
        }

        if (form["grant_type"] != "authorization_code" || clientId != ClientId || secret != ClientSecret
            || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || form["redirect_uri"] != grant.RedirectUri
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.CodeChallenge)
        {
            RefusedTokenRequests++;
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _accessTokens[accessToken] = grant;
        var claims = new Dictionary<string, object>(grant.IdTokenClaims) { ["sub"] = grant.Subject, ["nonce"] = grant.Nonce };
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow.AddSeconds(-5),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = _keyId }, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    private IResult UserInfo(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(header["Bearer ".Length..], out var grant))
        {
            return Results.Unauthorized();
        }

        return Results.Json(new Dictionary<string, object>(grant.UserInfoClaims) { ["sub"] = grant.Subject });
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (form["client_id"], form["client_secret"]);
    }

    private static Dictionary<string, string> QueryHelpers(Uri url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

    private sealed record MachineClient(string Secret, string Audience, string Scope);

    private sealed record Grant(
        string Subject,
        string Nonce,
        string CodeChallenge,
        string RedirectUri,
        IReadOnlyDictionary<string, object> IdTokenClaims,
        IReadOnlyDictionary<string, object> UserInfoClaims);
}
