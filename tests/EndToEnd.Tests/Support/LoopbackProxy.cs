using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// A TLS-ending load balancer in front of the service, on 127.0.0.1: it passes each request on with
/// the Host header it was given, appends the address it was called from to <c>X-Forwarded-For</c> and
/// sets <c>X-Forwarded-Proto: https</c>, as nginx or a cloud balancer does. It connects to the service
/// from <see cref="OutboundAddress"/> (any 127.x address), so one test can have a trusted and an
/// untrusted proxy in front of the same service.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private LoopbackProxy(WebApplication app, HttpClient upstream, IPAddress outboundAddress)
    {
        _app = app;
        _upstream = upstream;
        OutboundAddress = outboundAddress;
    }

    /// <summary>The address the proxy's connections to the service come from.</summary>
    public IPAddress OutboundAddress { get; }

    public Uri BaseAddress => new(_app.Urls.First().TrimEnd('/') + "/");

    public static async Task<LoopbackProxy> StartAsync(Uri service, IPAddress outboundAddress)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new HttpClient(FromAddress(outboundAddress, allowRedirects: false), disposeHandler: true)
        {
            BaseAddress = service,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var proxy = new LoopbackProxy(app, upstream, outboundAddress);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>A client that connects (to the proxy, or anything on loopback) from <paramref name="localAddress"/>, as a patient's device would from its own address.</summary>
    public static HttpClient ClientFrom(IPAddress localAddress, Uri baseAddress) =>
        new(FromAddress(localAddress, allowRedirects: false), disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path + incoming.QueryString);
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.Host = incoming.Host.Value;
        var forwardedFor = incoming.Headers["X-Forwarded-For"].ToString();
        var caller = context.Connection.RemoteIpAddress!.ToString();
        request.Headers.Remove("X-Forwarded-For");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Length == 0 ? caller : $"{forwardedFor}, {caller}");
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static SocketsHttpHandler FromAddress(IPAddress localAddress, bool allowRedirects) => new()
    {
        AllowAutoRedirect = allowRedirects,
        UseCookies = false,
        ConnectCallback = async (connection, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(connection.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
