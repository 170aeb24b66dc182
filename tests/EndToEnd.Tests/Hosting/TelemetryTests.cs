using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PatientContact.EndToEnd.Tests.Sms;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>
/// The service's traces and metrics, read with OpenTelemetry's in-memory exporter from the running
/// service: a patient texts through to a reference ID, with a red flag and a one-time code sent
/// through the outbox to the fake Twilio API on loopback; another says it is an emergency; a web chat
/// stream opens and closes. What an operator's dashboard would show, and none of what the patient said.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IAsyncLifetime
{
    private const string From = "+447700900811";
    private const string Mobile = "+447700900812";

    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private TwilioApiFake _twilio = null!;
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioApiFake.StartAsync();
        _host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Outbox:Mode"] = "Send",
                ["Outbox:PollInterval"] = "00:00:00.100",
                // No OTLP endpoint here: the in-memory exporter reads the spans instead.
                ["Telemetry:Traces"] = "true",
                ["Twilio:AccountSid"] = _twilio.AccountSid,
                ["Twilio:AuthToken"] = _twilio.AuthToken,
            },
            services =>
            {
                services.PostConfigure<TwilioOptions>(o => o.ApiBaseUrl = _twilio.BaseUrl);
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task A_texted_request_shows_as_turns_a_red_flag_a_code_a_text_sent_and_a_submission_with_no_personal_data()
    {
        var sms = new TwilioSms(_host, _twilio.AuthToken);
        var replies = await sms.TextAsync(From, SmsHost.Northside,
            "hi", "1", "1", "I get chest pain when I walk up the stairs", "carry on", "2", "1", "Ada", "Lovelace", "10/12/1985", "1", "LS1 6AE", "07700 900812", "yes");
        replies[^1].Message!.ShouldStartWith("We've texted a 6-digit code to");
        var code = (await _twilio.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20))).ShouldHaveSingleItem();
        var digits = Regex.Match(code.Form["Body"], @"\b\d{6}\b").Value;
        var rest = await sms.TextAsync(From, SmsHost.Northside, digits, "1", "1");
        var referenceId = Regex.Match(rest[^1].Message!, "reference is ([0-9A-Z]{4}-[0-9A-Z]{4})").Groups[1].Value;
        referenceId.ShouldNotBeEmpty(rest[^1].Message);
        var emergency = await sms.TextAsync("+447700900813", SmsHost.Riverside, "hello", "2");
        emergency[^1].Message!.ShouldContain("999");
        await WaitForSentAsync(Mobile);
        await WaitUntilAsync(() =>
        {
            Flush();
            return Sum("patientcontact.match_outcomes") >= 1;
        });

        Flush();
        var turns = replies.Count + rest.Count + emergency.Count;
        Sum("patientcontact.turns", ("channel", "sms")).ShouldBe(turns);
        Sum("patientcontact.turns", ("channel", "sms"), ("step", "submitted")).ShouldBe(1);
        Sum("patientcontact.submissions", ("channel", "sms"), ("service", "northside-community")).ShouldBe(1);
        Sum("patientcontact.emergency_advice", ("channel", "sms"), ("service", "riverside-gp")).ShouldBe(1);
        Sum("patientcontact.red_flags", ("severity", "emergency")).ShouldBe(1);
        Sum("patientcontact.outbox.queued", ("purpose", "otp")).ShouldBe(1);
        Sum("patientcontact.outbox.sent", ("purpose", "otp")).ShouldBe(1);
        Sum("patientcontact.codes.sent").ShouldBe(1);
        Sum("patientcontact.codes.failed").ShouldBe(0);
        Points("patientcontact.outbox.age").ShouldContain(p => p.GetHistogramCount() >= 1);

        // The webhook's span holds the turn, and the turn holds its store calls.
        var turn = _spans.Where(s => s.OperationName == "conversation.turn" && (string?)s.GetTagItem("patientcontact.step") == "submitted").ShouldHaveSingleItem();
        var webhook = _spans.Single(s => s.SpanId == turn.ParentSpanId);
        webhook.Kind.ShouldBe(ActivityKind.Server);
        webhook.GetTagItem("http.route").ShouldBe("/sms/twilio");
        var stores = _spans.Where(s => s.ParentSpanId == turn.SpanId).Select(s => s.OperationName).ToList();
        stores.ShouldContain("IConversationStore.GetWithInputAsync");
        stores.ShouldContain("IConversationStore.TrySaveAsync");
        stores.ShouldContain("IRequestStore.AddAsync");
        _spans.Where(s => s.OperationName.StartsWith("I", StringComparison.Ordinal) && s.OperationName.Contains("Store.", StringComparison.Ordinal))
            .ShouldAllBe(s => (string?)s.GetTagItem("db.system") == "sqlite");

        // The text to Twilio: the send's span holds the outbound HTTP call, which names only the host.
        var send = _spans.Single(s => s.OperationName == "outbox.send" && (string?)s.GetTagItem("patientcontact.purpose") == "otp");
        var call = _spans.Single(s => s.ParentSpanId == send.SpanId && s.Kind == ActivityKind.Client && s.GetTagItem("http.request.method") is "POST");
        call.GetTagItem("url.full").ShouldBe(_twilio.BaseUrl.GetLeftPart(UriPartial.Authority));
        call.GetTagItem("http.response.status_code").ShouldBe(201);

        ShouldHoldNoneOf("7700900811", "7700900812", "Ada", "Lovelace", "LS1", "1985", "chest", digits, referenceId, _twilio.AccountSid);
    }

    [Fact]
    public async Task Open_web_chat_streams_are_counted_up_and_down()
    {
        var conversation = await new DirectLineHttp(_host.CreateClient()).StartAsync();
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(conversation.StreamUrl), CancellationToken.None);
            await WaitUntilAsync(() => Gauge("patientcontact.webchat.connections") == 1);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        await WaitUntilAsync(() => Gauge("patientcontact.webchat.connections") == 0);
        Sum("patientcontact.turns", ("channel", "webchat"), ("step", "emergency")).ShouldBe(1, "opening the chat is the first turn");
        ShouldHoldNoneOf(conversation.Id, conversation.Token);
    }

    private void Flush()
    {
        _host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        _host.Services.GetRequiredService<TracerProvider>().ForceFlush();
    }

    /// <summary>The points of the latest export of a metric (cumulative, so the latest holds the totals).</summary>
    private List<MetricPoint> Points(string name)
    {
        lock (_metrics)
        {
            return _metrics.LastOrDefault(m => m.Name == name)?.MetricPoints.ToList() ?? [];
        }
    }

    private long Sum(string name, params (string Key, string Value)[] tags) =>
        Points(name).Where(p => tags.All(t => Tags(p).TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(p => p.GetSumLong());

    private long Gauge(string name)
    {
        Flush();
        return Sum(name);
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    private void ShouldHoldNoneOf(params string[] secrets)
    {
        Flush();
        List<string> values;
        lock (_metrics)
        {
            values =
            [
                .. _spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName).Append(s.OperationName)),
                .. _metrics.SelectMany(m => m.MetricPoints.SelectMany(p => Tags(p).Select(t => $"{t.Key}={t.Value}"))),
            ];
        }

        values.ShouldNotBeEmpty();
        foreach (var secret in secrets)
        {
            values.ShouldNotContain(v => v.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' was exported");
        }
    }

    private async Task WaitForSentAsync(string to)
    {
        var outbox = _host.Services.GetRequiredService<IOutboxStore>();
        await WaitUntilAsync(() => outbox.ListForRecipientAsync(to, 10).GetAwaiter().GetResult().Any(t => t.Status == OutboxStatus.Sent));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().ShouldBeTrue();
    }
}

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, traces and metrics leave over OTLP/HTTP: a collector
/// stand-in on loopback receives them (protobuf, whose strings are plain UTF-8, so span and metric
/// names can be read in the bytes).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_and_metrics_reach_the_otlp_endpoint_when_it_is_set()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.Run(async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
        });
        await collector.StartAsync();
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        conversation.Id.ShouldNotBeEmpty();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush().ShouldBeTrue();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush().ShouldBeTrue();

        var traces = received.Where(r => r.Path == "/v1/traces").ToList();
        var metrics = received.Where(r => r.Path == "/v1/metrics").ToList();
        traces.ShouldNotBeEmpty();
        metrics.ShouldNotBeEmpty();
        traces.ShouldAllBe(r => r.ContentType == "application/x-protobuf");
        System.Text.Encoding.UTF8.GetString([.. traces.SelectMany(r => r.Body)]).ShouldContain("conversation.turn");
        System.Text.Encoding.UTF8.GetString([.. metrics.SelectMany(r => r.Body)]).ShouldContain("patientcontact.turns");
        System.Text.Encoding.UTF8.GetString([.. received.SelectMany(r => r.Body)]).ShouldNotContain(conversation.Id);
    }
}

/// <summary>Without an exporter no spans are made: no tracer provider, and the stores are not wrapped for spans; metrics still are.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracesWithoutExporterTests
{
    [Fact]
    public async Task With_no_exporter_nothing_records_spans_and_patients_are_answered_as_ever()
    {
        await using var host = await ServiceHost.StartAsync();

        host.Services.GetService<TracerProvider>().ShouldBeNull();
        host.Services.GetRequiredService<IRequestStore>().ShouldNotBeAssignableTo<PatientContact.Inbox.Telemetry.TracedStore<IRequestStore>>();
        host.Services.GetRequiredService<IConversationStore>().ShouldNotBeAssignableTo<PatientContact.Inbox.Telemetry.TracedStore<IConversationStore>>();
        host.Services.GetService<MeterProvider>().ShouldNotBeNull();
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        conversation.Id.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Traces_can_be_turned_on_without_an_exporter_and_then_every_store_is_traced()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["Telemetry:Traces"] = "true" });

        host.Services.GetService<TracerProvider>().ShouldNotBeNull();
        host.Services.GetRequiredService<IRequestStore>().ShouldBeAssignableTo<PatientContact.Inbox.Telemetry.TracedStore<IRequestStore>>();
    }
}

/// <summary>
/// OpenTelemetry listens to every meter and activity source of a name in the process, whichever host
/// made it: these tests run alone, so what they read is only their own host's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (run alone)";
}
