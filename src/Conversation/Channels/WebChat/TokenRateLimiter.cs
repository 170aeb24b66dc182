using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// Limits <c>POST /c/{serviceId}/token</c> per client IP: a fixed window of a minute, so one
/// client cannot mint conversations (and the store rows behind them) as fast as it likes.
/// </summary>
/// <remarks>
/// The ASP.NET Core rate limiter's own partitioned limiter, called from the endpoint rather than
/// through the middleware: it limits exactly this endpoint, whatever else the host's pipeline
/// does, and the answer (429 with Retry-After) is written here.
/// </remarks>
public sealed class TokenRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public TokenRateLimiter(IOptions<WebChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var permits = options.Value.TokenRequestsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Takes one permit for the client; null when allowed, otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string clientAddress)
    {
        using var lease = _limiter.AttemptAcquire(clientAddress);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
