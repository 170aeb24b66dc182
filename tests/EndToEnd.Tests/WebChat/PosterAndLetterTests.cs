using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>One running service whose public address differs from where it listens, as behind a proxy.</summary>
public sealed class PublicAddressHostFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://contact.example.nhs.uk";

    public ServiceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("PublicBaseUrl", PublicBaseUrl)));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The poster, the paragraph for letters and the PNG QR code over HTTP: what they say, their headers, and unknown services.</summary>
public sealed partial class PosterAndLetterTests(PublicAddressHostFixture shared) : IClassFixture<PublicAddressHostFixture>
{
    private const string RiversideLink = PublicAddressHostFixture.PublicBaseUrl + "/c/riverside-gp";

    [Fact]
    public async Task Poster_gives_the_service_name_its_public_link_text_number_and_phone_and_a_qr_code_of_the_link()
    {
        using var client = shared.Host.CreateClient();

        using var response = await client.GetAsync("/c/riverside-gp/poster");
        var html = await response.Content.ReadAsStringAsync();
        var text = Text(html);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        Heading().Match(html).Groups[1].Value.ShouldBe("Riverside GP Practice");
        text.ShouldContain("Contact us online when it's not urgent");
        text.ShouldContain("Scan this QR code with your phone's camera");
        text.ShouldContain($"or go to {RiversideLink}");
        text.ShouldContain("or text us on 07700 900001");
        text.ShouldContain("or call us on 0113 496 0001");
        text.ShouldContain("In an emergency, call 999. If you need help now, call 111 or go to 111.nhs.uk.");
        var decoded = WebUtility.HtmlDecode(html);
        decoded.ShouldContain($"href=\"{RiversideLink}\"");
        decoded.ShouldContain("href=\"sms:+447700900001\"", Case.Sensitive, "the sms: link keeps the number in E.164");
        decoded.ShouldContain("href=\"tel:01134960001\"");
        Svg().Matches(html).Select(m => m.Value).ShouldBe([QrCodes.Svg(RiversideLink)], "one QR code, of the public link, named for it");
    }

    [Fact]
    public async Task Printable_pages_send_the_link_pages_security_headers_and_load_only_this_origins_files()
    {
        using var client = shared.Host.CreateClient();

        foreach (var path in new[] { "/c/riverside-gp/poster", "/c/riverside-gp/letter" })
        {
            using var response = await client.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();

            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.ShouldContain("default-src 'none'");
            csp.ShouldContain("script-src 'self';");
            csp.ShouldContain("style-src 'self';");
            csp.ShouldContain("frame-ancestors 'self'");
            csp.ShouldNotContain("unsafe");
            csp.ShouldNotContain("connect-src", Case.Sensitive, "nothing on these pages talks to the service");
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
            response.Headers.CacheControl!.NoStore.ShouldBeTrue();
            InlineScript().IsMatch(html).ShouldBeFalse($"{path} has no inline script");
            foreach (var file in AssetUrl().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)))
            {
                using var asset = await client.GetAsync(file);
                asset.StatusCode.ShouldBe(HttpStatusCode.OK, file);
                asset.Headers.CacheControl!.ToString().ShouldContain("immutable");
            }

            Regex.Matches(html, "(?:src|<link[^>]*href)=\"(?!/webchat/)").Count.ShouldBe(0, $"{path} loads nothing from anywhere but this origin's /webchat/");
        }
    }

    [Fact]
    public async Task Letter_page_gives_the_paragraph_to_copy_as_plain_text_with_the_qr_code_beside_it_and_the_png_for_mail_merge()
    {
        using var client = shared.Host.CreateClient();

        using var response = await client.GetAsync("/c/riverside-gp/letter");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        const string paragraph = "If you need to contact us about something that is not urgent, you can send us a request online. "
            + "Scan the QR code with your phone's camera, or go to https://contact.example.nhs.uk/c/riverside-gp. "
            + "You can also text us on 07700 900001, or call us on 0113 496 0001. "
            + "This is not for emergencies. In an emergency, call 999. If you need help now, call 111 or go to 111.nhs.uk.";
        WebUtility.HtmlDecode(Textarea().Match(html).Groups[1].Value).ShouldBe(paragraph, "the text to copy is the paragraph, plain");
        WebUtility.HtmlDecode(LetterText().Match(html).Groups[1].Value).ShouldBe(paragraph, "the paragraph as it prints is the same");
        Svg().Matches(html).Select(m => m.Value).ShouldBe([QrCodes.Svg(RiversideLink)]);
        var text = Text(html);
        text.ShouldContain("Download the QR code as a PNG picture");
        text.ShouldContain(RiversideLink + "/qr.png");
        WebUtility.HtmlDecode(html).ShouldContain("<a href=\"qr.png\" download=\"riverside-gp-qr-code.png\">");
    }

    [Fact]
    public async Task Png_qr_code_holds_the_public_link_and_is_cached_like_the_svg()
    {
        using var client = shared.Host.CreateClient();

        using var png = await client.GetAsync("/c/northside-community/qr.png");
        using var svg = await client.GetAsync("/c/northside-community/qr.svg");
        var bytes = await png.Content.ReadAsByteArrayAsync();

        png.StatusCode.ShouldBe(HttpStatusCode.OK);
        png.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        QrImages.IsPng(bytes).ShouldBeTrue("it starts with the PNG signature");
        QrImages.Read(bytes).ShouldBe(PublicAddressHostFixture.PublicBaseUrl + "/c/northside-community");
        bytes.ShouldBe(QrCodes.Png(PublicAddressHostFixture.PublicBaseUrl + "/c/northside-community"));
        var (width, height, _) = QrImages.DecodeToGray(bytes);
        width.ShouldBe(height);
        width.ShouldBeGreaterThanOrEqualTo(500, "large enough to print sharp at 3 to 5 cm");
        png.Headers.CacheControl!.ToString().ShouldBe(svg.Headers.CacheControl!.ToString());
        png.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        png.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(svg.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Unknown_service_gets_the_404_page_for_the_poster_and_letter_and_a_404_for_the_png()
    {
        using var client = shared.Host.CreateClient();

        foreach (var path in new[] { "/c/no-such-service/poster", "/c/no-such-service/letter" })
        {
            using var page = await client.GetAsync(path);

            page.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await page.Content.ReadAsStringAsync()).ShouldContain("<h1>Page not found</h1>");
            page.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain("script-src");
        }

        using var png = await client.GetAsync("/c/no-such-service/qr.png");
        png.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        png.Content.Headers.ContentType?.MediaType.ShouldNotBe("image/png");
        png.Headers.CacheControl!.NoStore.ShouldBeTrue("a 404 is not cached");
    }

    [Fact]
    public async Task Markup_in_a_service_name_is_shown_as_text_and_every_sms_number_or_none_is_said_plainly()
    {
        var rules = CopyOfTheRules(services =>
        {
            var riverside = services.Single(s => s!["id"]!.GetValue<string>() == "riverside-gp")!;
            riverside["name"] = "Riverside <img src=x onerror=alert(1)> & \"Partners\"";
            riverside["smsNumbers"] = new JsonArray("+447700900001", "+447700900009");
            services.Single(s => s!["id"]!.GetValue<string>() == "hillview-mental-health")!["smsNumbers"] = new JsonArray();
        });
        try
        {
            await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("Rules:Directory", rules)));
            using var client = host.CreateClient();

            var poster = await client.GetStringAsync("/c/riverside-gp/poster");
            var letter = await client.GetStringAsync("/c/riverside-gp/letter");
            var hillviewPoster = Text(await client.GetStringAsync("/c/hillview-mental-health/poster"));
            var hillviewLetter = await client.GetStringAsync("/c/hillview-mental-health/letter");

            foreach (var html in new[] { poster, letter })
            {
                html.ShouldNotContain("<img", Case.Insensitive);
                html.ShouldContain("Riverside &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Partners&quot;");
            }

            Text(poster).ShouldContain("or text us on 07700 900001 or 07700 900009");
            WebUtility.HtmlDecode(Textarea().Match(letter).Groups[1].Value).ShouldContain("You can also text us on 07700 900001 or 07700 900009, or call us on 0113 496 0001.");
            hillviewPoster.ShouldNotContain("text us");
            hillviewPoster.ShouldContain("or call us on 0113 496 0003");
            WebUtility.HtmlDecode(Textarea().Match(hillviewLetter).Groups[1].Value).ShouldContain("/c/hillview-mental-health. You can also call us on 0113 496 0003. This is not for emergencies.");
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    /// <summary>A copy of the repository's rules with <c>services.json</c> changed.</summary>
    internal static string CopyOfTheRules(Action<JsonArray> change)
    {
        var rules = Path.Combine(Path.GetTempPath(), "pc-rules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.GetFiles(RepoPaths.Rules, "*.json"))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)));
        }

        var path = Path.Combine(rules, "services.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json["services"]!.AsArray());
        File.WriteAllText(path, json.ToJsonString());
        return rules;
    }

    /// <summary>The page's text as a reader gets it: tags dropped, entities decoded, white space collapsed.</summary>
    private static string Text(string html) =>
        Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<(script|style|title)[^>]*>.*?</\\1>", " ", RegexOptions.Singleline), "<[^>]+>", " ")), @"\s+", " ");

    [GeneratedRegex("<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex("<svg.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex("<textarea[^>]*>(.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex Textarea();

    [GeneratedRegex("<p class=\"pc-letter__text\">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex LetterText();

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex("(?:src|href)=\"(/webchat/[^\"]+)\"")]
    private static partial Regex AssetUrl();
}
