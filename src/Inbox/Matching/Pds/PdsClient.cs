using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>Patient search on the Personal Demographics Service (FHIR R4 <c>GET /Patient</c>).</summary>
public interface IPdsClient
{
    /// <summary>
    /// Runs one search. Returns the patients found (none, one, or more in healthcare-worker mode) or
    /// <see cref="PdsSearchResult.TooManyMatches"/>; throws <see cref="PdsUnavailableException"/> when PDS gives no answer.
    /// </summary>
    Task<PdsSearchResult> SearchAsync(PdsSearch search, CancellationToken cancellationToken = default);
}

/// <summary>
/// The PDS client: one X-Request-ID per search (the same on its retries, as PDS asks), the access token
/// when signed in, and a pipeline of total timeout, retries with backoff, a circuit breaker and a
/// per-attempt timeout. The URL is never logged: its query carries names and dates of birth.
/// </summary>
public sealed partial class PdsClient : IPdsClient
{
    public const string HttpClientName = "pds";
    public const string FhirJson = "application/fhir+json";

    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(30);

    private readonly IHttpClientFactory _clients;
    private readonly PdsAccessTokens _tokens;
    private readonly PdsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PdsClient> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public PdsClient(IHttpClientFactory clients, PdsAccessTokens tokens, IOptions<PdsOptions> options, TimeProvider time, ILogger<PdsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _tokens = tokens;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _pipeline = BuildPipeline(_options.Resilience, time);
    }

    public async Task<PdsSearchResult> SearchAsync(PdsSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (!_options.Enabled || _options.BaseUrl is null)
        {
            throw new PdsUnavailableException(PdsFailure.Disabled);
        }

        var uri = new Uri(_options.BaseUrl.OriginalString.TrimEnd('/') + "/Patient?" + search.ToQueryString());
        var requestId = Guid.NewGuid();
        var started = _time.GetTimestamp();
        try
        {
            var result = await SearchOnceSignedInAsync(uri, requestId, cancellationToken).ConfigureAwait(false);
            LogSearched(_logger, requestId, result.TooManyMatches ? "too many matches" : $"{result.Patients.Count} patient(s)", _time.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (PdsUnavailableException e)
        {
            LogFailed(_logger, requestId, e.Failure, (int?)e.Status, e.ErrorCode, _time.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    private async Task<PdsSearchResult> SearchOnceSignedInAsync(Uri uri, Guid requestId, CancellationToken cancellationToken)
    {
        for (var signIns = 0; ; signIns++)
        {
            var token = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            using var response = await SendAsync(uri, requestId, token, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return PdsResponseReader.ReadSearch(body);
            }

            var error = PdsResponseReader.ReadErrorCode(await ReadQuietlyAsync(response, cancellationToken).ConfigureAwait(false));
            if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null)
            {
                // A token PDS no longer takes (revoked, clock skew): sign in again once.
                _tokens.Invalidate(token);
                if (signIns == 0)
                {
                    continue;
                }
            }

            throw new PdsUnavailableException(PdsFailure.ErrorResponse, response.StatusCode, error);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, Guid requestId, string? token, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.uri);
                    request.Headers.Add("X-Request-ID", state.requestId.ToString("D"));
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
                    if (state.token is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.token);
                    }

                    if (state.self._options.EndUserOrganisationOds is { } ods)
                    {
                        request.Headers.Add("NHSD-End-User-Organisation-ODS", ods);
                    }

                    var client = state.self._clients.CreateClient(HttpClientName);
                    return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                },
                (self: this, uri, requestId, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            throw new PdsUnavailableException(PdsFailure.CircuitOpen);
        }
        catch (TimeoutRejectedException)
        {
            throw new PdsUnavailableException(PdsFailure.Timeout);
        }
        catch (HttpRequestException)
        {
            // Not wrapped: the inner exception's message may name the address, and the caller needs only the kind.
            throw new PdsUnavailableException(PdsFailure.Network);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PdsUnavailableException(PdsFailure.Timeout);
        }
    }

    private static async Task<string?> ReadQuietlyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The statuses worth another try: PDS or the platform overloaded, a gateway timeout, a hiccup.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(PdsResilienceOptions options, TimeProvider time)
    {
        var failure = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => IsTransient(r.StatusCode));

        // Outermost first: the whole search's time, retries, the breaker, then each attempt's time.
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = failure,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = static args =>
                {
                    // 429 and 503 may say when to come back; a longer wait than ours is honoured up to a limit.
                    var retryAfter = args.Outcome.Result?.Headers.RetryAfter?.Delta;
                    return ValueTask.FromResult(retryAfter is { } wait && wait > TimeSpan.Zero ? (TimeSpan?)Min(wait, LongestRetryAfter) : null);
                },
                OnRetry = static args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = failure,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "PDS search {RequestId} answered: {Outcome} in {ElapsedMs:0} ms")]
    private static partial void LogSearched(ILogger logger, Guid requestId, string outcome, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PDS search {RequestId} failed: {Failure}, HTTP {Status} {ErrorCode}, after {ElapsedMs:0} ms")]
    private static partial void LogFailed(ILogger logger, Guid requestId, PdsFailure failure, int? status, string? errorCode, double elapsedMs);
}
