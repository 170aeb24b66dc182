using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using System.Diagnostics.Metrics;

namespace PatientContact.Inbox.Telemetry;

/// <summary>
/// The service's own telemetry: the <c>PatientContact</c> meter and activity source. Tags name only
/// channels, steps, services, severities, outcomes and purposes, from fixed sets: never a person's
/// details, a phone number, a reference ID or a conversation id.
/// </summary>
public sealed class PatientContactTelemetry : IDisposable
{
    public const string Name = "PatientContact";

    /// <summary>Spans for a turn of the conversation, each store call, and each text sent.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The setting that turns traces on or off; unset, traces are on exactly when they are exported.</summary>
    public const string TracesSetting = "Telemetry:Traces";

    /// <summary>The standard OpenTelemetry variable naming where traces and metrics are exported over OTLP.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Whether spans are recorded at all: <c>Telemetry:Traces</c> when set, otherwise only when an OTLP
    /// endpoint is configured. A span nobody exports still costs every request and every store call its
    /// time (5 to 15% of an SMS turn's, docs/benchmarks.md), so without an exporter none are made.
    /// </summary>
    public static bool TracesOn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue<bool?>(TracesSetting) ?? !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
    }

    private readonly Meter _meter;
    private readonly Counter<long> _turns;
    private readonly Counter<long> _submissions;
    private readonly Counter<long> _emergencyAdvice;
    private readonly Counter<long> _redFlags;
    private readonly Counter<long> _matches;
    private readonly Counter<long> _codesSent;
    private readonly Counter<long> _codesFailed;
    private readonly Counter<long> _outboxQueued;
    private readonly Counter<long> _outboxSent;
    private readonly Counter<long> _outboxFailed;
    private readonly Histogram<double> _outboxAge;
    private readonly UpDownCounter<long> _webChatConnections;

    public PatientContactTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(Name);
        _turns = _meter.CreateCounter<long>("patientcontact.turns", "{turn}", "Turns of the conversation, by channel and the step the patient was left at");
        _submissions = _meter.CreateCounter<long>("patientcontact.submissions", "{request}", "Requests submitted, by channel and service");
        _emergencyAdvice = _meter.CreateCounter<long>("patientcontact.emergency_advice", "{turn}", "Times the emergency advice was shown, by channel and service");
        _redFlags = _meter.CreateCounter<long>("patientcontact.red_flags", "{flag}", "Red flags found in what patients wrote, by severity");
        _matches = _meter.CreateCounter<long>("patientcontact.match_outcomes", "{request}", "Requests matched (or not) to a PDS record, by outcome and reason");
        _codesSent = _meter.CreateCounter<long>("patientcontact.codes.sent", "{code}", "One-time codes Twilio accepted");
        _codesFailed = _meter.CreateCounter<long>("patientcontact.codes.failed", "{code}", "One-time codes that could not be sent");
        _outboxQueued = _meter.CreateCounter<long>("patientcontact.outbox.queued", "{text}", "Texts written to the outbox, by purpose");
        _outboxSent = _meter.CreateCounter<long>("patientcontact.outbox.sent", "{text}", "Texts Twilio accepted, by purpose");
        _outboxFailed = _meter.CreateCounter<long>("patientcontact.outbox.failed", "{text}", "Texts given up on, by purpose");
        _outboxAge = _meter.CreateHistogram<double>("patientcontact.outbox.age", "s", "How long a text waited in the outbox before it was sent or given up on, by purpose and outcome");
        _webChatConnections = _meter.CreateUpDownCounter<long>("patientcontact.webchat.connections", "{connection}", "Open web chat streams (WebSockets)");
    }

    /// <summary>One turn of the conversation, counted once it is stored.</summary>
    public void Turn(string channel, string step) =>
        _turns.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("step", step));

    public void Submitted(string channel, string serviceId) =>
        _submissions.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("service", serviceId));

    public void EmergencyAdviceShown(string channel, string serviceId) =>
        _emergencyAdvice.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("service", serviceId));

    public void RedFlag(string severity) => _redFlags.Add(1, new KeyValuePair<string, object?>("severity", severity));

    /// <param name="matched">True for a match; otherwise <paramref name="reason"/> says why not (its words are the tag).</param>
    public void MatchOutcome(bool matched, MatchReason? reason) =>
        _matches.Add(1, new KeyValuePair<string, object?>("outcome", matched ? "matched" : "unmatched"), new KeyValuePair<string, object?>("reason", matched ? null : reason?.Label()));

    public void Queued(TextPurpose purpose) => _outboxQueued.Add(1, new KeyValuePair<string, object?>("purpose", purpose.Name()));

    /// <summary>A text Twilio accepted, <paramref name="waited"/> after it was queued.</summary>
    public void Sent(TextPurpose purpose, TimeSpan waited) => Settled(purpose, waited, "sent", _outboxSent, _codesSent);

    /// <summary>A text given up on, <paramref name="waited"/> after it was queued.</summary>
    public void Failed(TextPurpose purpose, TimeSpan waited) => Settled(purpose, waited, "failed", _outboxFailed, _codesFailed);

    public void WebChatConnected() => _webChatConnections.Add(1);

    public void WebChatDisconnected() => _webChatConnections.Add(-1);

    public void Dispose() => _meter.Dispose();

    private void Settled(TextPurpose purpose, TimeSpan waited, string outcome, Counter<long> texts, Counter<long> codes)
    {
        var tag = new KeyValuePair<string, object?>("purpose", purpose.Name());
        texts.Add(1, tag);
        _outboxAge.Record(Math.Max(0, waited.TotalSeconds), tag, new KeyValuePair<string, object?>("outcome", outcome));
        if (IsCode(purpose))
        {
            codes.Add(1);
        }
    }

    private static bool IsCode(TextPurpose purpose) => purpose == TextPurpose.Code;
}
