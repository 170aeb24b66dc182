using Microsoft.Extensions.Options;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Verification;

/// <summary>Why a one-time code was not sent.</summary>
public enum CodeSendRefusal
{
    /// <summary>Codes go only to UK mobiles (+447); landlines, premium, pager and international numbers never get one.</summary>
    NotUkMobile,

    /// <summary>The number has had <see cref="VerificationOptions.MaxCodesPerNumber"/> codes within the window, from any conversation.</summary>
    NumberLimit,

    /// <summary>The client (IP address, or SMS sender) has asked for <see cref="VerificationOptions.MaxCodesPerClient"/> codes within the window.</summary>
    ClientLimit,
}

/// <summary>
/// Limits one-time code texts across conversations: per destination number and per client, each over a
/// sliding window. The counts live in this process's memory, so with several hosts each host applies
/// the limits on its own (documented in docs/matching.md); a restart forgets them.
/// </summary>
public sealed class CodeSendLimiter
{
    /// <summary>Numbers and clients tracked at once; past this (a flood from many addresses) codes are refused, not memory grown.</summary>
    public const int MaxTracked = 100_000;

    private readonly VerificationOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sends = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPrune;

    public CodeSendLimiter(IOptions<VerificationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
    }

    /// <summary>What the patient is told when no code is sent; the conversation then carries on unverified.</summary>
    public static string Explain(CodeSendRefusal refusal) => refusal switch
    {
        CodeSendRefusal.NotUkMobile => "We can only text a code to a UK mobile number.",
        CodeSendRefusal.NumberLimit => "We've sent as many codes to that number as we can for now.",
        _ => "We've sent as many codes as we can for now.",
    };

    /// <summary>
    /// Counts a code about to be sent to <paramref name="phone"/> for this client, or says why it may not be.
    /// The client is the IP address (an IPv6 address counts by its /64) or, by SMS, the sender's number.
    /// </summary>
    public CodeSendRefusal? TryAcquire(string? phone, bool isMobile, string? clientAddress, string? senderPhone)
    {
        if (!isMobile || !UkPhoneNumbers.IsMobile(phone))
        {
            return CodeSendRefusal.NotUkMobile;
        }

        var numberKey = "number:" + phone;
        var clientKey = ClientKey(clientAddress, senderPhone);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now >= _nextPrune)
            {
                Prune(now);
                _nextPrune = now + _options.RateLimitWindow;
            }

            if (Count(numberKey, now) >= _options.MaxCodesPerNumber)
            {
                return CodeSendRefusal.NumberLimit;
            }

            if (clientKey is not null && Count(clientKey, now) >= _options.MaxCodesPerClient)
            {
                return CodeSendRefusal.ClientLimit;
            }

            if (_sends.Count >= MaxTracked && (!_sends.ContainsKey(numberKey) || (clientKey is not null && !_sends.ContainsKey(clientKey))))
            {
                Prune(now);
                if (_sends.Count >= MaxTracked)
                {
                    return CodeSendRefusal.ClientLimit;
                }
            }

            Record(numberKey, now);
            if (clientKey is not null)
            {
                Record(clientKey, now);
            }

            return null;
        }
    }

    /// <summary>The client a limit counts against, or null when the channel knows none.</summary>
    public static string? ClientKey(string? clientAddress, string? senderPhone) =>
        ClientAddress.Key(clientAddress) ?? (string.IsNullOrWhiteSpace(senderPhone) ? null : "sender:" + senderPhone);

    private int Count(string key, DateTimeOffset now)
    {
        if (!_sends.TryGetValue(key, out var times))
        {
            return 0;
        }

        var since = now - _options.RateLimitWindow;
        while (times.Count > 0 && times.Peek() <= since)
        {
            times.Dequeue();
        }

        return times.Count;
    }

    private void Record(string key, DateTimeOffset now)
    {
        if (!_sends.TryGetValue(key, out var times))
        {
            _sends[key] = times = new Queue<DateTimeOffset>();
        }

        times.Enqueue(now);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _sends.Keys.ToList())
        {
            if (Count(key, now) == 0)
            {
                _sends.Remove(key);
            }
        }
    }
}
