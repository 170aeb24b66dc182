using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PatientContact.LoadGenerator;

/// <summary>
/// Simulated patients texting a service: each owns a number and walks whole conversations, one
/// signed Twilio webhook post per message, answering as soon as the reply arrives (or after a
/// random think time).
/// </summary>
public static class SmsLoad
{
    public const string AuthToken = "load-generator-token";
    public const string ServiceNumber = "+447700900001";

    /// <summary>
    /// One whole conversation, for a patient texting from <c>07700 9xxxxx</c>. It opens with "new request": each
    /// patient walks conversation after conversation from one number, and after the first submission any
    /// other first text would be taken as a reply to that request rather than start a new one.
    /// </summary>
    private static string[] Script(string nationalNumber) =>
    [
        "new request", "1", "1", "I have had a cough for two weeks and it is not getting better.", "2", "1", "Jane", "Smith",
        "22/10/2010", "1", "ls1 6ae", nationalNumber, "1", "1",
    ];

    public static async Task<Summary> RunAsync(Uri baseAddress, string path, LoadOptions options, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Patients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var url = new Uri(baseAddress, path).ToString();
        var recorder = new Recorder();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long requests = 0;
        var workers = Enumerable.Range(0, options.Patients).Select(patient => Task.Run(async () =>
        {
            var latencies = recorder.NewWorkerList();
            var from = "+447700900" + (patient % 1000).ToString("D3", CultureInfo.InvariantCulture);
            var national = "0" + from[3..];
            var random = new Random(patient);
            var message = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var body in Script(national))
                {
                    if (stop.IsCancellationRequested || Interlocked.Increment(ref requests) > options.MaxRequests)
                    {
                        return;
                    }

                    var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["AccountSid"] = "AC00000000000000000000000000000000",
                        ["ApiVersion"] = "2010-04-01",
                        ["Body"] = body,
                        ["From"] = from,
                        ["MessageSid"] = $"SM{patient:D5}{++message:D10}{Environment.ProcessId:D8}".PadRight(34, '0')[..34],
                        ["NumMedia"] = "0",
                        ["NumSegments"] = "1",
                        ["SmsStatus"] = "received",
                        ["To"] = ServiceNumber,
                    };
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
                    request.Headers.Add("X-Twilio-Signature", Sign(url, fields));
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await http.SendAsync(request, stop.Token);
                        var text = await response.Content.ReadAsStringAsync(stop.Token);
                        var elapsed = Recorder.Elapsed(started);
                        if (!response.IsSuccessStatusCode)
                        {
                            recorder.Error($"HTTP {(int)response.StatusCode}");
                        }
                        else if (!text.Contains("<Message>", StringComparison.Ordinal))
                        {
                            recorder.Error("reply without a message");
                        }
                        else if (recorder.Measuring)
                        {
                            latencies.Add(elapsed);
                        }
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (TaskCanceledException)
                    {
                        recorder.Error("timeout");
                    }
                    catch (HttpRequestException ex)
                    {
                        recorder.Error($"network: {ex.HttpRequestError}");
                    }

                    if (options.MaxThinkTime > TimeSpan.Zero)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * options.MaxThinkTime.TotalMilliseconds), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                }
            }
        }, CancellationToken.None)).ToArray();

        return await Measure.WindowAsync(recorder, options, stop, workers);
    }

    /// <summary>Twilio's scheme: Base64(HMAC-SHA1(token, url + every field name and value, sorted by name ordinally)).</summary>
    public static string Sign(string url, SortedDictionary<string, string> fields)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields)
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}

/// <summary>Warm-up, then the measured window, then stop: every scenario is bounded in time.</summary>
public static class Measure
{
    public static async Task<Summary> WindowAsync(Recorder recorder, LoadOptions options, CancellationTokenSource stop, Task[] workers)
    {
        await Task.Delay(options.Warmup);
        recorder.Start();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(options.Duration);
        recorder.Stop();
        var window = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return recorder.Summarise(window);
    }
}
