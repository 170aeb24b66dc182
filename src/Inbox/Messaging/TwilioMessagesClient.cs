using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace PatientContact.Inbox.Messaging;

/// <summary>One text for Twilio's Messages resource.</summary>
/// <param name="StatusCallback">Where Twilio reports what became of the text (<c>POST /sms/twilio/status</c>); null for no reports.</param>
public sealed record TwilioMessage(string To, string From, string Body, int? ValidityPeriodSeconds = null, Uri? StatusCallback = null);

/// <summary>What Twilio made of a send.</summary>
public abstract record TwilioSendResult
{
    /// <summary>201: Twilio took the message; <paramref name="Sid"/> is its id (<c>SM...</c>).</summary>
    public sealed record Accepted(string? Sid, string? Status) : TwilioSendResult;

    /// <summary>Worth trying again later: 429, 5xx, a timeout or a broken connection.</summary>
    public sealed record Transient(string Reason, TimeSpan? RetryAfter) : TwilioSendResult;

    /// <summary>Refused for good (4xx): retrying would be refused again.</summary>
    public sealed record Rejected(int HttpStatus, int? ErrorCode) : TwilioSendResult;
}

/// <summary>
/// Twilio's REST API for sending a text, through Twilio's own SDK (<see cref="MessageResource"/>):
/// <c>POST {ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> with HTTP Basic auth and
/// form fields. The SDK's HTTP abstraction is given <see cref="TwilioApiTransport"/>, which sends to
/// the configured <see cref="TwilioOptions.ApiBaseUrl"/> with a time limit per call.
/// </summary>
public sealed class TwilioMessagesClient(HttpMessageHandler handler, IOptions<TwilioOptions> options, TimeProvider time)
{
    /// <param name="timeout">Wall-clock limit on the call; running out counts as a transient failure.</param>
    public async Task<TwilioSendResult> SendAsync(TwilioMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var twilio = options.Value;
        if (string.IsNullOrEmpty(twilio.AccountSid) || string.IsNullOrEmpty(twilio.AuthToken))
        {
            throw new InvalidOperationException("Twilio:AccountSid and Twilio:AuthToken must be set to send texts.");
        }

        using var transport = new TwilioApiTransport(handler, twilio.ApiBaseUrl, timeout, cancellationToken);
        // LogLevel is set so TWILIO_LOG_LEVEL=debug can never print a request (numbers, text) to the console.
        var client = new TwilioRestClient(twilio.AccountSid, twilio.AuthToken, httpClient: transport) { LogLevel = null };
        var create = new CreateMessageOptions(new PhoneNumber(message.To))
        {
            From = new PhoneNumber(message.From),
            Body = message.Body,
            ValidityPeriod = message.ValidityPeriodSeconds,
            StatusCallback = message.StatusCallback,
        };

        try
        {
            var sent = await MessageResource.CreateAsync(create, client).ConfigureAwait(false);
            return new TwilioSendResult.Accepted(sent.Sid, sent.Status?.ToString());
        }
        catch (ApiConnectionException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (ApiConnectionException e) when (transport.LastResponse is null)
        {
            return e.InnerException switch
            {
                HttpRequestException failed => new TwilioSendResult.Transient($"connection failed ({failed.HttpRequestError})", null),
                OperationCanceledException => new TwilioSendResult.Transient("timed out", null),
                _ => new TwilioSendResult.Transient("connection failed", null),
            };
        }
        catch (Exception e) when (e is TwilioException && transport.LastResponse is { } response)
        {
            return Classify(response, e);
        }
    }

    private TwilioSendResult Classify(Twilio.Http.Response response, Exception error)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            // Twilio took it; a body the SDK cannot read must not make us send it again.
            return new TwilioSendResult.Accepted(null, null);
        }

        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500)
        {
            return new TwilioSendResult.Transient($"HTTP {status}", RetryAfter(response));
        }

        var code = error switch
        {
            ApiException { Code: > 0 } api => api.Code,
            ApiStandardException { Code: > 0 } standard => standard.Code,
            _ => (int?)null,
        };
        return new TwilioSendResult.Rejected(status, code);
    }

    private TimeSpan? RetryAfter(Twilio.Http.Response response) =>
        response.Headers?.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
}
