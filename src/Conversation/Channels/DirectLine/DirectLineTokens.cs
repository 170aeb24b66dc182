using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.WebChat;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>What a token may be used for.</summary>
public enum TokenScope
{
    /// <summary>The REST calls of one conversation (Authorization: Bearer).</summary>
    Conversation,

    /// <summary>Only opening that conversation's WebSocket stream; short-lived, because it travels in a URL.</summary>
    Stream,
}

/// <summary>The claims of a Direct Line token this service issued: one conversation of one service (opened from a personal follow-up link, when <see cref="FollowUpLinkId"/> is set).</summary>
public sealed record DirectLineToken(
    string ConversationId,
    string ServiceId,
    string UserId,
    TokenScope Scope,
    DateTimeOffset ExpiresAt,
    DateTimeOffset SessionStartedAt,
    string? FollowUpLinkId = null);

/// <summary>Why a token was refused, or the token.</summary>
public enum TokenProblem { None, Missing, Invalid, Expired, WrongScope }

/// <summary>The outcome of checking a token.</summary>
public readonly record struct TokenCheck(TokenProblem Problem, DirectLineToken? Token)
{
    public bool Ok => Problem == TokenProblem.None;
}

/// <summary>
/// Issues and checks Direct Line tokens: compact JWTs signed with HMAC-SHA256 under
/// <c>WebChat:TokenKey</c>. The widget reads them without checking (it takes the <c>user</c> claim
/// as the user id); the service checks every one, and never trusts the sender an activity names.
/// </summary>
public sealed class DirectLineTokens
{
    /// <summary>A stream token only has to last until the WebSocket is open.</summary>
    public static readonly TimeSpan StreamTokenLifetime = TimeSpan.FromMinutes(2);

    private const int MaxTokenLength = 2048;
    private const string Issuer = "patientcontact";
    private static readonly byte[] Header = Encoding.UTF8.GetBytes(Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8));

    private readonly byte[] _key;
    private readonly WebChatOptions _options;
    private readonly TimeProvider _time;

    public DirectLineTokens(IOptions<WebChatOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        // Validation at start refuses a missing key outside Development and a short or broken one anywhere.
        _key = string.IsNullOrWhiteSpace(_options.TokenKey)
            ? RandomNumberGenerator.GetBytes(WebChatOptionsValidation.MinKeyBytes)
            : WebChatOptionsValidation.TryDecodeKey(_options.TokenKey, out var key)
                ? key
                : throw new InvalidOperationException("WebChat:TokenKey must be Base64 of at least 32 bytes.");
    }

    /// <summary>True when no key was configured and this process made one up.</summary>
    public bool UsesRandomKey => string.IsNullOrWhiteSpace(_options.TokenKey);

    /// <summary>Seconds until the token expires, as Direct Line's <c>expires_in</c>.</summary>
    public int ExpiresIn(DirectLineToken claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return (int)Math.Max(0, Math.Round((claims.ExpiresAt - _time.GetUtcNow()).TotalSeconds));
    }

    /// <summary>A token for a conversation not opened yet: a new conversation id and user id, bound to the service.</summary>
    public (string Token, DirectLineToken Claims) IssueForNewConversation(string serviceId, string? followUpLinkId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        var now = _time.GetUtcNow();
        var claims = new DirectLineToken(NewId(16), serviceId, "dl_" + NewId(12), TokenScope.Conversation, now + _options.TokenLifetime, now, followUpLinkId);
        return (Sign(claims, now), claims);
    }

    /// <summary>
    /// A fresh conversation token for the same conversation, lasting the full lifetime again but never
    /// past the session's end. Null when the session has ended.
    /// </summary>
    public (string Token, DirectLineToken Claims)? Refresh(DirectLineToken current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = _time.GetUtcNow();
        var sessionEnds = current.SessionStartedAt + _options.MaxSessionLifetime;
        if (now >= sessionEnds)
        {
            return null;
        }

        var expires = Min(now + _options.TokenLifetime, sessionEnds);
        var claims = current with { Scope = TokenScope.Conversation, ExpiresAt = expires };
        return (Sign(claims, now), claims);
    }

    /// <summary>A token that only opens this conversation's stream, for the <c>streamUrl</c>.</summary>
    public string IssueStreamToken(DirectLineToken conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var now = _time.GetUtcNow();
        return Sign(conversation with { Scope = TokenScope.Stream, ExpiresAt = Min(now + StreamTokenLifetime, conversation.ExpiresAt) }, now);
    }

    /// <summary>Checks the signature, the expiry and the scope. Nothing about the token is trusted before the signature is.</summary>
    public TokenCheck Check(string? token, TokenScope scope)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new(TokenProblem.Missing, null);
        }

        if (token.Length > MaxTokenLength || !TryVerify(token, out var payload))
        {
            return new(TokenProblem.Invalid, null);
        }

        var claims = ReadClaims(payload);
        if (claims is null)
        {
            return new(TokenProblem.Invalid, null);
        }

        if (claims.Scope != scope)
        {
            return new(TokenProblem.WrongScope, null);
        }

        return _time.GetUtcNow() >= claims.ExpiresAt
            ? new(TokenProblem.Expired, null)
            : new(TokenProblem.None, claims);
    }

    private string Sign(DirectLineToken claims, DateTimeOffset now)
    {
        var fields = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["conv"] = claims.ConversationId,
            ["svc"] = claims.ServiceId,
            ["user"] = claims.UserId,
            ["scope"] = claims.Scope == TokenScope.Stream ? "stream" : "conversation",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = claims.ExpiresAt.ToUnixTimeSeconds(),
            ["sess"] = claims.SessionStartedAt.ToUnixTimeSeconds(),
        };
        if (claims.FollowUpLinkId is { } link)
        {
            // The link's internal id, never its token: the patient's browser already holds the token.
            fields["link"] = link;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(fields);
        var signingInput = Concat(Header, "."u8, Encoding.UTF8.GetBytes(Base64Url.EncodeToString(payload)));
        var signature = HMACSHA256.HashData(_key, signingInput);
        return Encoding.UTF8.GetString(signingInput) + "." + Base64Url.EncodeToString(signature);
    }

    private bool TryVerify(string token, out byte[] payload)
    {
        payload = [];
        var lastDot = token.LastIndexOf('.');
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        if (firstDot <= 0 || lastDot == firstDot || lastDot == token.Length - 1)
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[64];
        if (!Base64Url.IsValid(token.AsSpan(lastDot + 1)) || Base64Url.GetMaxDecodedLength(token.Length - lastDot - 1) > signature.Length
            || Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1), signature, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(token[..lastDot]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature[..written]))
        {
            return false;
        }

        // Signed by this service; the header must still be the one this service writes (no "alg" games).
        if (!Header.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(token[..firstDot])))
        {
            return false;
        }

        var body = token.AsSpan(firstDot + 1, lastDot - firstDot - 1);
        if (!Base64Url.IsValid(body))
        {
            return false;
        }

        payload = Base64Url.DecodeFromChars(body);
        return true;
    }

    private static DirectLineToken? ReadClaims(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !Text(root, "iss", out var issuer) || issuer != Issuer
                || !Text(root, "conv", out var conversation)
                || !Text(root, "svc", out var service)
                || !Text(root, "user", out var user)
                || !Text(root, "scope", out var scope)
                || !Seconds(root, "exp", out var expires)
                || !Seconds(root, "sess", out var session))
            {
                return null;
            }

            TokenScope? parsed = scope switch { "conversation" => TokenScope.Conversation, "stream" => TokenScope.Stream, _ => null };
            var link = root.TryGetProperty("link", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            return parsed is null ? null : new DirectLineToken(conversation, service, user, parsed.Value, expires, session, link);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Text(JsonElement root, string name, out string value)
    {
        value = root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty;
        return value.Length > 0;
    }

    private static bool Seconds(JsonElement root, string name, out DateTimeOffset value)
    {
        value = default;
        if (!root.TryGetProperty(name, out var p) || !p.TryGetInt64(out var seconds) || seconds < 0 || seconds > 253_402_300_799)
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c) => [.. a, .. b, .. c];

    /// <summary>A random id of <paramref name="bytes"/> bytes in URL-safe Base64: unguessable, safe in paths.</summary>
    public static string NewId(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
