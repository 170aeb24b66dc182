using System.Net;
using System.Text.RegularExpressions;
using PatientContact.EndToEnd.Tests.Inbox;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>An HTTP client that keeps every cookie it is given, Secure ones too, as a browser on https would.</summary>
public sealed partial class CookieBrowser(HttpClient http) : IDisposable
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private readonly HttpClient _http = http;

    /// <summary>A browser that calls <paramref name="baseAddress"/> directly.</summary>
    public CookieBrowser(Uri baseAddress)
        : this(new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress })
    {
    }

    /// <summary>The antiforgery token of a page's form.</summary>
    public static string AntiforgeryToken(string html) => WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<HttpResponseMessage> PostAsync(string path, params (string Key, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = StaffClient.Form(fields) });

    /// <param name="expectContinue">Sends <c>Expect: 100-continue</c> and the body only when the server asks for it, so an early refusal is read rather than cut off.</param>
    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content, bool expectContinue = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        return SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';')[0].Split('=', 2);
                if (pair[1].Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Remove(pair[0]);
                }
                else
                {
                    _cookies[pair[0]] = pair[1];
                }
            }
        }

        return response;
    }
}
