using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>The patient link page over HTTP: its headers, its files, the token call's limits, CORS and the QR code.</summary>
public sealed partial class LinkPageTests(WebChatHostFixture shared) : IClassFixture<WebChatHostFixture>
{
    [Fact]
    public async Task Link_page_allows_only_its_own_files_and_scripts_carrying_its_nonce()
    {
        var host = shared.Host;
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/c/riverside-gp");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = NoncePattern().Match(csp).Groups[1].Value;
        nonce.Length.ShouldBeGreaterThanOrEqualTo(22);
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain($"script-src 'self' 'nonce-{nonce}'");
        csp.ShouldContain($"connect-src 'self' blob: ws://127.0.0.1:{host.Port}");
        csp.ShouldContain("frame-ancestors 'self'");
        csp.ShouldNotContain("unsafe");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        scripts.Count.ShouldBe(2);
        scripts.ShouldAllBe(s => s.Contains(" src=\"/webchat/", StringComparison.Ordinal) && s.Contains($"nonce=\"{nonce}\"", StringComparison.Ordinal));
        Regex.Matches(html, "(?:src|<link[^>]*href)=\"(?!/webchat/)").Count.ShouldBe(0, "nothing is loaded from anywhere but this origin's /webchat/");
        (await client.GetAsync("/c/riverside-gp")).Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain(nonce, Case.Sensitive, "a nonce is used once");
    }

    [Fact]
    public async Task Widget_bundle_and_styles_come_from_this_origin_and_nothing_else_of_node_modules_does()
    {
        var host = shared.Host;
        using var client = host.CreateClient();
        var html = await client.GetStringAsync("/c/riverside-gp");
        var files = AssetUrl().Matches(html).Select(m => m.Groups[1].Value).ToList();

        files.Count.ShouldBe(5);
        foreach (var file in files)
        {
            using var asset = await client.GetAsync(WebUtility.HtmlDecode(file));
            asset.StatusCode.ShouldBe(HttpStatusCode.OK, file);
            asset.Headers.CacheControl!.ToString().ShouldContain("immutable");
            asset.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        }

        (await client.GetAsync("/webchat/webchat-minimal.js")).Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await client.GetStringAsync("/webchat/nhsuk-frontend.min.css")).ShouldNotContain("assets.nhs.uk", Case.Sensitive, "the font rules that load from elsewhere are left out");
        (await client.GetAsync("/webchat/stats.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/webchat/webchat.js")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/webchat/../package.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_service_gets_a_404_page_and_no_token()
    {
        var host = shared.Host;
        using var client = host.CreateClient();

        using var page = await client.GetAsync("/c/no-such-service");
        using var token = await client.PostAsync("/c/no-such-service/token", null);
        using var qr = await client.GetAsync("/c/no-such-service/qr.svg");

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldContain("<h1>Page not found</h1>");
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain("script-src");
        token.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await token.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("No service has this address.");
        qr.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_requests_are_limited_per_client_ip_with_a_retry_after()
    {
        // A stopped clock: the window is a fixed minute, and the four posts must fall in one.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 10, TimeSpan.Zero));
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:TokenRequestsPerMinute", "3")), time: clock);
        using var client = host.CreateClient();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.PostAsync("/c/riverside-gp/token", null));
        }

        answers.Take(3).ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var refused = answers[3];
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(50), "the minute's window ends 50 seconds on");
        (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldStartWith("Too many conversations were started from here.");
        answers.ForEach(a => a.Dispose());

        clock.Advance(TimeSpan.FromSeconds(50));
        using var next = await client.PostAsync("/c/riverside-gp/token", null);
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_hosts_on_one_store_share_one_token_budget_per_client()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 10, TimeSpan.Zero));
        var folder = Directory.CreateTempSubdirectory("pc-two-hosts-").FullName;
        (string, string?)[] shared =
        [
            ("WebChat:TokenRequestsPerMinute", "4"),
            ("Storage:Sqlite:Path", Path.Combine(folder, "shared.db")),
            ("Verification:HashKey", "dHdvLWhvc3RzLXNoYXJlLW9uZS1idWRnZXQtMzItYnl0ZXM="),
        ];
        await using var first = await ServiceHost.StartAsync(WebChatTestSupport.Settings(shared), time: clock);
        await using var second = await ServiceHost.StartAsync(WebChatTestSupport.Settings(shared), time: clock);
        using var one = first.CreateClient();
        using var two = second.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { one, two, one, two, two })
        {
            using var answer = await client.PostAsync("/c/riverside-gp/token", null);
            statuses.Add(answer.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests],
            "two tokens from each host are the client's four, whichever host counts them");
    }

    [Fact]
    public async Task Cors_answers_only_the_configured_origins()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:AllowedOrigins:0", "https://www.riverside-gp.example")));
        using var client = host.CreateClient();

        using var allowed = await PreflightAsync(client, "https://www.riverside-gp.example");
        using var other = await PreflightAsync(client, "https://elsewhere.example");
        using var page = await client.GetAsync("/c/riverside-gp");

        allowed.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("https://www.riverside-gp.example");
        var headers = allowed.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant();
        headers.ShouldContain("authorization");
        headers.ShouldContain("content-type");
        headers.ShouldContain("x-ms-bot-agent");
        other.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'self' https://www.riverside-gp.example");
    }

    [Fact]
    public async Task Qr_code_is_an_svg_of_the_services_public_link()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("PublicBaseUrl", "https://contact.example.nhs.uk")));
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/c/northside-community/qr.svg");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        svg.Name.LocalName.ShouldBe("svg");
        svg.Attribute("viewBox").ShouldNotBeNull("it scales to any size");
        svg.Elements().First(e => e.Name.LocalName == "title").Value.ShouldBe("QR code for https://contact.example.nhs.uk/c/northside-community");
        svg.Descendants().Count(e => e.Name.LocalName == "path").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_token_key_too_short_to_be_safe_stops_start_up()
    {
        var error = await Should.ThrowAsync<OptionsValidationException>(() =>
            ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:TokenKey", Convert.ToBase64String(new byte[16])))));

        error.Message.ShouldContain("WebChat:TokenKey must be Base64 of at least 32 bytes.");
    }

    [Fact]
    public async Task A_node_modules_folder_without_the_widget_stops_start_up_saying_what_to_run()
    {
        var empty = Path.Combine(Path.GetTempPath(), "pc-no-modules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            var error = await Should.ThrowAsync<InvalidOperationException>(() =>
                ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:NodeModulesPath", empty))));

            error.Message.ShouldContain($"WebChat:NodeModulesPath '{empty}' has no botframework-webchat/dist/webchat-minimal.js");
            error.Message.ShouldContain("npm ci --ignore-scripts");
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v3/directline/conversations");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-ms-bot-agent");
        return await client.SendAsync(request);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("(?:src|href)=\"(/webchat/[^\"]+)\"")]
    private static partial Regex AssetUrl();
}
