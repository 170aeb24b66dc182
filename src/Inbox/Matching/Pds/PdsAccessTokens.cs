using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>
/// Application-restricted sign-in to the NHS API platform: a JWT client assertion signed RS512 with the
/// application's private key is exchanged at <c>Pds:TokenUrl</c> for an access token, which is kept
/// until shortly before it expires. Unused when <c>Pds:Auth:Mode</c> is None.
/// </summary>
public sealed class PdsAccessTokens : IDisposable
{
    public const string HttpClientName = "pds-token";

    /// <summary>A token is renewed this long before PDS would stop taking it.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly PdsOptions _options;
    private readonly RSA? _key;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public PdsAccessTokens(IHttpClientFactory clients, IOptions<PdsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _time = time;
        _options = options.Value;
        if (_options.Auth.Mode == PdsAuthMode.ApplicationRestricted)
        {
            _key = LoadKey(_options.Auth.PrivateKey);
        }
    }

    /// <summary>The access token to send, or null when no sign-in is configured.</summary>
    public async Task<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            return null;
        }

        if (_current is { } cached && _time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } fresh && _time.GetUtcNow() < fresh.RenewAt)
            {
                return fresh.Token;
            }

            _current = await RequestAsync(cancellationToken).ConfigureAwait(false);
            return _current.Value.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a token PDS refused (401), so the next call signs in again.</summary>
    public void Invalidate(string token)
    {
        if (_current is { } cached && cached.Token == token)
        {
            _current = null;
        }
    }

    /// <summary>The signed client assertion: header {alg RS512, typ JWT, kid}, claims iss = sub = API key, aud = token URL, a fresh jti, exp.</summary>
    public string CreateClientAssertion(DateTimeOffset now)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("Pds:Auth:Mode is not ApplicationRestricted.");
        }

        var auth = _options.Auth;
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = "RS512",
            ["typ"] = "JWT",
            ["kid"] = auth.KeyId!,
        });
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = auth.ApiKey!,
            ["sub"] = auth.ApiKey!,
            ["aud"] = _options.TokenUrl!.OriginalString,
            ["jti"] = Guid.NewGuid().ToString(),
            ["exp"] = (now + auth.AssertionLifetime).ToUnixTimeSeconds(),
        });
        var signingInput = Base64Url(header) + "." + Base64Url(claims);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    public void Dispose()
    {
        _key?.Dispose();
        _gate.Dispose();
    }

    private async Task<(string, DateTimeOffset)> RequestAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = CreateClientAssertion(now),
        });

        HttpResponseMessage response;
        try
        {
            var client = _clients.CreateClient(HttpClientName);
            response = await client.PostAsync(_options.TokenUrl, form, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            throw new PdsUnavailableException(PdsFailure.SignIn);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PdsUnavailableException(PdsFailure.SignIn);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new PdsUnavailableException(PdsFailure.SignIn, response.StatusCode);
            }

            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var token = root.GetProperty("access_token").GetString();
                // The platform sends expires_in as a string ("599"); a number is read too.
                var expires = root.GetProperty("expires_in") switch
                {
                    { ValueKind: JsonValueKind.Number } n => n.GetInt64(),
                    { ValueKind: JsonValueKind.String } s => long.Parse(s.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
                    _ => throw new FormatException(),
                };
                if (string.IsNullOrEmpty(token) || expires <= 0)
                {
                    throw new FormatException();
                }

                var lifetime = TimeSpan.FromSeconds(expires);
                var renewAt = now + (lifetime > RenewBefore * 2 ? lifetime - RenewBefore : lifetime / 2);
                return (token, renewAt);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or OverflowException)
            {
                throw new PdsUnavailableException(PdsFailure.SignIn, response.StatusCode);
            }
        }
    }

    private static RSA LoadKey(string? pem)
    {
        if (pem is null || !pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Pds:Auth:PrivateKey is not an RSA private key in PEM form.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException("Pds:Auth:PrivateKey is not an RSA private key in PEM form.");
        }
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
