using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PatientContact.Inbox;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>Settings of the web chat channel (section "WebChat").</summary>
public sealed class WebChatOptions
{
    public const string SectionName = "WebChat";

    /// <summary>
    /// Base64 key (at least 32 bytes) that signs Direct Line tokens. Required outside Development;
    /// Development makes a random one per process when unset, so open chats stop at a restart.
    /// </summary>
    [RequiredOutsideDevelopment("the key web chat tokens are signed with")]
    public string? TokenKey { get; set; }

    /// <summary>How long a token works; the widget refreshes it every 15 minutes while the page is open.</summary>
    [Range(typeof(TimeSpan), "00:16:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>However often it is refreshed, a conversation's token stops working this long after it was first issued.</summary>
    [Range(typeof(TimeSpan), "00:30:00", "7.00:00:00")]
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Origins (scheme://host[:port]) of websites allowed to call the token and Direct Line endpoints from the browser.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Tokens one client IP may request per minute from <c>POST /c/{serviceId}/token</c>.</summary>
    [Range(1, 100_000)]
    public int TokenRequestsPerMinute { get; set; } = 10;

    /// <summary>Activities one conversation may post per minute; a patient sends a few, a retry loop or a script many more.</summary>
    [Range(5, 100_000)]
    public int PostsPerConversationPerMinute { get; set; } = 30;

    /// <summary>Activities one client IP (IPv6 by its /64) may post per minute, over all its conversations: a waiting room on one connection stays well inside it.</summary>
    [Range(5, 1_000_000)]
    public int PostsPerClientPerMinute { get; set; } = 300;

    /// <summary>Turns (stored batches) one conversation may hold; a whole conversation, with changes from the review, takes under 60.</summary>
    [Range(50, 100_000)]
    public int MaxTurnsPerConversation { get; set; } = 300;

    /// <summary>Bytes one conversation's stored activities may hold; a whole conversation with the longest details takes under 100 KB.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxBytesPerConversation { get; set; } = 1024 * 1024;

    /// <summary>
    /// The npm <c>node_modules</c> folder holding <c>botframework-webchat</c> and <c>nhsuk-frontend</c>;
    /// unset means the first one found in the content root or a folder above it.
    /// </summary>
    public string? NodeModulesPath { get; set; }
}

/// <summary>Checks what data annotations cannot: the key, the origins, and that a deployment set a key.</summary>
internal sealed class WebChatOptionsValidation(IHostEnvironment environment) : IValidateOptions<WebChatOptions>
{
    public const int MinKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, WebChatOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TokenKey))
        {
            if (!environment.IsDevelopment())
            {
                failures.Add("WebChat:TokenKey is required: a Base64 key of at least 32 bytes that signs web chat tokens.");
            }
        }
        else if (!TryDecodeKey(options.TokenKey, out _))
        {
            failures.Add("WebChat:TokenKey must be Base64 of at least 32 bytes.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/'))
            {
                failures.Add($"WebChat:AllowedOrigins has '{origin}', which is not an origin like https://www.example.nhs.uk.");
            }
        }

        if (options.MaxSessionLifetime < options.TokenLifetime)
        {
            failures.Add("WebChat:MaxSessionLifetime must be at least WebChat:TokenLifetime.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static bool TryDecodeKey(string base64, out byte[] key)
    {
        key = [];
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written < MinKeyBytes)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }
}
