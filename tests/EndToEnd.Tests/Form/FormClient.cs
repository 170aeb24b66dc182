using PatientContact.Inbox.Messaging;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Form;

/// <summary>One page of the form as a browser received it: where it is, its status, and what its forms send back.</summary>
public sealed partial record FormResponse(HttpStatusCode Status, string Path, string Html)
{
    /// <summary>The <c>data-step</c> of the page's question form; null on a page without one.</summary>
    public string? Step => StepPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;

    public string InputId => InputIdPattern().Match(Html).Groups[1].Value;

    public string Token => CookieBrowser.AntiforgeryToken(Html);

    public string Heading => WebUtility.HtmlDecode(Strip(HeadingPattern().Match(Html).Groups[1].Value)).Trim();

    /// <summary>The error summary's messages.</summary>
    public IReadOnlyList<string> Problems =>
        [.. ProblemPattern().Matches(ErrorSummary()).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim())];

    /// <summary>The page's visible text, tags removed, entities decoded, spaces collapsed.</summary>
    public string Text => Regex.Replace(WebUtility.HtmlDecode(Strip(Html)), @"\s+", " ");

    public string? Value(string field) =>
        Regex.Match(Html, $"name=\"{field}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    private string ErrorSummary() => Regex.Match(Html, "<div class=\"nhsuk-error-summary\".*?</ul>", RegexOptions.Singleline).Value;

    private static string Strip(string html) => Regex.Replace(html, "<[^>]+>", " ");

    [GeneratedRegex("<form method=\"post\"[^>]*data-step=\"([^\"]+)\"")]
    private static partial Regex StepPattern();

    [GeneratedRegex("name=\"inputId\" value=\"([0-9a-f]+)\"")]
    private static partial Regex InputIdPattern();

    [GeneratedRegex("<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex("<li><a href=\"#[^\"]+\">([^<]*)</a></li>")]
    private static partial Regex ProblemPattern();
}

/// <summary>
/// A patient filling in the form with plain HTTP, as a browser without JavaScript does: it keeps its cookies, sends each
/// page's anti-forgery token, step and page id back with the answer, and follows the 303 after a post with a GET.
/// </summary>
public sealed class FormClient(ServiceHost host, string basePath = "/c/riverside-gp/form") : IDisposable
{
    public CookieBrowser Browser { get; } = new(host.BaseAddress);

    public string BasePath { get; } = basePath;

    /// <summary>Answers No whenever the photos question comes up, as most patients do (a test about photos turns it off).</summary>
    public bool SaysNoToPhotos { get; set; } = true;

    /// <summary>The last page received.</summary>
    public FormResponse Page { get; private set; } = null!;

    /// <summary>Opens the start page and presses its start button, sending <paramref name="fields"/> with it.</summary>
    public async Task<FormResponse> StartAsync(string? startPath = null, params (string Key, string Value)[] fields)
    {
        var start = await GetAsync(startPath ?? BasePath);
        start.Status.ShouldBe(HttpStatusCode.OK, start.Html);
        return await FollowAsync(await Browser.PostAsync(ActionOf(start.Html), [("__RequestVerificationToken", start.Token), .. fields]));
    }

    /// <summary>Signs in to the inbox through its sign-in form, in this browser.</summary>
    public async Task SignInAsync(string email)
    {
        var login = await GetAsync("/inbox/login");
        var response = await Browser.PostAsync("/inbox/login", ("email", email), ("password", InboxTestSupport.DemoPassword), ("__RequestVerificationToken", login.Token));
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    public async Task<FormResponse> GetAsync(string path) => await FollowAsync(await Browser.GetAsync(path), path);

    /// <summary>Sends the current page's question form with these fields (the answer, or a command).</summary>
    public Task<FormResponse> AnswerAsync(params (string Key, string Value)[] fields) => SendAsync(Page, fields);

    public Task<FormResponse> AnswerAsync(string answer) => SendAsync(Page, ("answer", answer));

    /// <summary>Sends a form of <paramref name="page"/> (an earlier page, for a replay) with its own token, step and id.</summary>
    public async Task<FormResponse> SendAsync(FormResponse page, params (string Key, string Value)[] fields)
    {
        var all = new List<(string, string)>
        {
            ("__RequestVerificationToken", page.Token),
            ("step", page.Step ?? throw new InvalidOperationException($"No question form on {page.Path}: {page.Text}")),
            ("inputId", page.InputId),
        };
        if (page.Value("change") is { } change)
        {
            all.Add(("change", change));
        }

        all.AddRange(fields);
        return await FollowAsync(await Browser.PostAsync(BasePath, [.. all]));
    }

    /// <summary>
    /// Sends the photos page's form as a browser does (multipart, the files under <c>photos</c>), with
    /// <paramref name="command"/> <c>add</c> for "Add photos and choose more", or none for Continue.
    /// </summary>
    public async Task<FormResponse> SendPhotosAsync(string? command, params (string Name, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(Page.Token), "__RequestVerificationToken");
        form.Add(new StringContent(Page.Step ?? throw new InvalidOperationException($"No question form on {Page.Path}: {Page.Text}")), "step");
        form.Add(new StringContent(Page.InputId), "inputId");
        if (command is not null)
        {
            form.Add(new StringContent(command), "command");
        }

        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(name.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
            form.Add(part, "photos", name);
        }

        return await FollowAsync(await Browser.PostAsync(ActionOf(Page.Html), form));
    }

    /// <summary>The Back button's own form.</summary>
    public async Task<FormResponse> BackAsync()
    {
        var id = Regex.Match(Page.Html, "name=\"inputId\" value=\"([0-9a-f]+-back)\"").Groups[1].Value;
        id.ShouldNotBeEmpty("no Back button on this page");
        return await FollowAsync(await Browser.PostAsync(BasePath, ("__RequestVerificationToken", Page.Token), ("step", Page.Step!), ("inputId", id), ("command", "back")));
    }

    /// <summary>The code texted to <paramref name="e164"/> most recently, from the outbox the service sends from.</summary>
    public async Task<string> LastCodeAsync(string e164 = "+447700900123")
    {
        var texts = await host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(e164, 10);
        return texts.First(t => t.Purpose == TextPurpose.Code).Body[..6];
    }

    public void Dispose() => Browser.Dispose();

    private async Task<FormResponse> FollowAsync(HttpResponseMessage response, string? path = null)
    {
        for (var hops = 0; response.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Found or HttpStatusCode.Redirect; hops++)
        {
            hops.ShouldBeLessThan(5, "too many redirects");
            path = response.Headers.Location!.OriginalString;
            response = await Browser.GetAsync(path);
        }

        Page = new FormResponse(response.StatusCode, path ?? BasePath, await response.Content.ReadAsStringAsync());
        if (SaysNoToPhotos && Page.Step == "photos" && Page.Html.Contains("type=\"radio\"", StringComparison.Ordinal))
        {
            return await SendAsync(Page, ("answer", "2"));
        }

        return Page;
    }

    /// <summary>The action of the page's main form (the inbox header's sign-out form comes before it).</summary>
    private static string ActionOf(string html) =>
        WebUtility.HtmlDecode(Regex.Matches(html, "<form method=\"post\" action=\"([^\"]+)\"").Last().Groups[1].Value);
}
