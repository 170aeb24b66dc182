using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Matching;

/// <summary>
/// Runs the matching policy over stored requests and writes the outcome back: only the match changes,
/// on the latest version of the request, so nothing staff did meanwhile is lost. Requests PDS did not
/// answer are tried again with a growing wait. Each change of outcome is written to the audit trail in the same write as the change.
/// </summary>
public sealed partial class RequestMatching(
    PatientMatcher matcher,
    IRequestStore requests,
    IOptions<MatchingOptions> options,
    TimeProvider time,
    ILogger<RequestMatching> logger,
    Telemetry.PatientContactTelemetry? telemetry = null)
{
    public const string AuditActor = "system";
    public const string AuditAction = "match";

    private const int MaxWriteAttempts = 5;
    private const int MaxBatchesPerRun = 20;
    private const int MaxRetriesListed = 500;

    private readonly MatchingOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, RetryState> _retries = new(StringComparer.Ordinal);

    /// <summary>Matches every request still "not yet checked" (up to a bound per run). Returns how many were looked at.</summary>
    public async Task<int> RunPendingAsync(CancellationToken cancellationToken)
    {
        var seen = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var pending = await requests.ListUnmatchedAsync(MatchReason.NotYetChecked, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var request in pending)
            {
                await MatchAsync(request, cancellationToken).ConfigureAwait(false);
            }

            seen += pending.Count;
            if (pending.Count < _options.BatchSize)
            {
                break;
            }
        }

        return seen;
    }

    /// <summary>
    /// Tries again the "PDS unavailable" requests whose wait is over, oldest first. Stops at the first that
    /// PDS still does not answer: the others keep their turn rather than all failing against a service that is down.
    /// </summary>
    public async Task<int> RunDueRetriesAsync(CancellationToken cancellationToken)
    {
        var waiting = await requests.ListUnmatchedAsync(MatchReason.PdsUnavailable, MaxRetriesListed, cancellationToken).ConfigureAwait(false);
        if (waiting.Count < MaxRetriesListed)
        {
            // Forget requests that left "PDS unavailable" some other way (staff matched them by hand).
            var listed = waiting.Select(r => r.ReferenceId).ToHashSet(StringComparer.Ordinal);
            foreach (var key in _retries.Keys.Where(k => !listed.Contains(k)))
            {
                _retries.TryRemove(key, out _);
            }
        }

        var tried = 0;
        var now = time.GetUtcNow();
        foreach (var request in waiting)
        {
            if (_retries.TryGetValue(request.ReferenceId, out var state) && state.DueAt > now)
            {
                continue;
            }

            tried++;
            var result = await MatchAsync(request, cancellationToken).ConfigureAwait(false);
            if (result.Reason == MatchReason.PdsUnavailable)
            {
                break;
            }
        }

        return tried;
    }

    /// <summary>Runs the policy for one request and stores the outcome if the request's match is still what it was.</summary>
    public async Task<MatchResult> MatchAsync(ContactRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await matcher.MatchAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.Reason == MatchReason.PdsUnavailable)
        {
            var failures = _retries.TryGetValue(request.ReferenceId, out var before) ? before.Failures + 1 : 1;
            _retries[request.ReferenceId] = new RetryState(failures, time.GetUtcNow() + RetryWait(failures));
        }
        else
        {
            _retries.TryRemove(request.ReferenceId, out _);
        }

        await StoreAsync(request.ReferenceId, request.Match, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The wait after the n-th failure in a row: the retry delay, doubled each time, up to the longest.</summary>
    public TimeSpan RetryWait(int failures)
    {
        var wait = _options.RetryDelay;
        for (var i = 1; i < failures && wait < _options.MaxRetryDelay; i++)
        {
            wait *= 2;
        }

        return wait < _options.MaxRetryDelay ? wait : _options.MaxRetryDelay;
    }

    private async Task StoreAsync(string referenceId, MatchResult expected, MatchResult result, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await requests.GetAsync(referenceId, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Match != expected)
            {
                // Decided meanwhile (staff matched it by hand, or another host got there first): theirs stands.
                LogSuperseded(logger, referenceId);
                return;
            }

            if (current.Match == result)
            {
                return;
            }

            var now = time.GetUtcNow();
            var updated = current with { Match = result, Version = current.Version + 1, UpdatedAt = now };
            var outcome = result.Status == MatchStatus.Matched ? "matched" : $"unmatched: {result.Reason?.Label()}";
            if (await requests.TryUpdateAsync(updated, new AuditEntry(now, AuditActor, AuditAction, current.ServiceId, referenceId, outcome), cancellationToken).ConfigureAwait(false))
            {
                LogStored(logger, referenceId, outcome);
                telemetry?.MatchOutcome(result.Status == MatchStatus.Matched, result.Reason);
                return;
            }

            // A staff change landed between our read and write: read it again and put the match on top.
        }

        LogGaveUp(logger, referenceId, MaxWriteAttempts);
    }

    private sealed record RetryState(int Failures, DateTimeOffset DueAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {ReferenceId} {Outcome}")]
    private static partial void LogStored(ILogger logger, string referenceId, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {ReferenceId} was matched or changed by someone else meanwhile; left as it is")]
    private static partial void LogSuperseded(ILogger logger, string referenceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId}: the match could not be stored after {Attempts} tries (changed each time); it will be tried again")]
    private static partial void LogGaveUp(ILogger logger, string referenceId, int attempts);
}
