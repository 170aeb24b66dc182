using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Verification;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>Which budget a refused post ran out of.</summary>
public enum PostLimit { Conversation, Client }

/// <summary>
/// Limits posted activities per conversation and per client (an IP address; IPv6 by its /64), each in a
/// window of a minute from its first post, so one client cannot fill the store or hold SQLite's one
/// writer while other patients wait. The counts live in this host's memory: each of several hosts
/// applies them on its own, which bounds a flood per host (see docs/web-chat.md).
/// </summary>
public sealed class PostRateLimiter(IOptions<WebChatOptions> options, TimeProvider time)
{
    /// <summary>Budgets tracked at once. Past this (a flood from very many addresses) posts are let through rather than memory grown: a patient is never refused for someone else's flood.</summary>
    public const int MaxTracked = 200_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPrune;

    /// <summary>Takes a post from the conversation's budget and the client's; null when allowed, otherwise which ran out and how long until it refills.</summary>
    public (PostLimit Limit, TimeSpan RetryAfter)? TryAcquire(string conversationId, string? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        var settings = options.Value;
        var client = CodeSendLimiter.ClientKey(clientAddress, senderPhone: null);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now >= _nextPrune || _windows.Count >= MaxTracked)
            {
                Prune(now);
                _nextPrune = now + Window;
            }

            var conversationKey = "c:" + conversationId;
            if (Wait(conversationKey, settings.PostsPerConversationPerMinute, now) is { } conversationWait)
            {
                return (PostLimit.Conversation, conversationWait);
            }

            if (client is not null && Wait(client, settings.PostsPerClientPerMinute, now) is { } clientWait)
            {
                return (PostLimit.Client, clientWait);
            }

            Count(conversationKey, now);
            if (client is not null)
            {
                Count(client, now);
            }

            return null;
        }
    }

    private TimeSpan? Wait(string key, int limit, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) && now < window.Start + Window && window.Count >= limit
            ? window.Start + Window - now
            : null;

    private void Count(string key, DateTimeOffset now)
    {
        if (_windows.TryGetValue(key, out var window) && now < window.Start + Window)
        {
            _windows[key] = (window.Start, window.Count + 1);
            return;
        }

        if (_windows.Count < MaxTracked)
        {
            _windows[key] = (now, 1);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (stale, _) in _windows.Where(w => now >= w.Value.Start + Window).ToList())
        {
            _windows.Remove(stale);
        }
    }
}
