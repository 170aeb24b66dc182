namespace PatientContact.Inbox.Messaging;

/// <summary>
/// The Twilio SDK's HTTP abstraction for one call: Twilio's own <see cref="Twilio.Http.SystemNetHttpClient"/>
/// (auth, form encoding, headers as the SDK makes them) over a .NET client that sends to
/// <see cref="TwilioOptions.ApiBaseUrl"/> instead of <c>api.twilio.com</c> (only tests point it
/// elsewhere), gives up after the call's time limit, and stops when the caller is cancelled.
/// The connection pool (<paramref name="handler"/>) is shared and outlives it.
/// </summary>
internal sealed class TwilioApiTransport : Twilio.Http.HttpClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly Twilio.Http.SystemNetHttpClient _sdk;
    private readonly CancellationTokenRegistration _cancellation;

    public TwilioApiTransport(HttpMessageHandler handler, Uri apiBaseUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _http = new HttpClient(new ApiBaseUrlHandler(apiBaseUrl, handler), disposeHandler: true) { Timeout = timeout };
        _sdk = new Twilio.Http.SystemNetHttpClient(_http);
        _cancellation = cancellationToken.Register(_http.CancelPendingRequests);
    }

    public override Twilio.Http.Response MakeRequest(Twilio.Http.Request request) =>
        throw new NotSupportedException("Texts are sent asynchronously.");

    public override async Task<Twilio.Http.Response> MakeRequestAsync(Twilio.Http.Request request)
    {
        LastRequest = request;
        LastResponse = null;
        LastResponse = await _sdk.MakeRequestAsync(request).ConfigureAwait(false);
        return LastResponse;
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _http.Dispose();
    }

    /// <summary>Moves each request from Twilio's host to the configured base URL, keeping its path and query.</summary>
    private sealed class ApiBaseUrlHandler(Uri apiBaseUrl, HttpMessageHandler pool) : DelegatingHandler(new NonDisposing(pool))
    {
        private readonly string _base = apiBaseUrl.AbsoluteUri.TrimEnd('/');

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } uri)
            {
                request.RequestUri = new Uri(_base + uri.PathAndQuery);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Passes requests to the shared pool and leaves it open when this call's client is disposed.</summary>
    private sealed class NonDisposing(HttpMessageHandler pool) : DelegatingHandler(pool)
    {
        protected override void Dispose(bool disposing)
        {
            // The pool belongs to the sender, not to one call.
        }
    }
}
