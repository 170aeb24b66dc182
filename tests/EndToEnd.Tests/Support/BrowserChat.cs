using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// A patient using the link page's Web Chat widget in a real browser: reads what the service says,
/// types answers, presses the choice buttons. Collects Content-Security-Policy violations and script
/// errors, which a test can then require to be none.
/// </summary>
public sealed partial class BrowserChat
{
    private readonly List<string> _problems = [];
    private bool _refusalsExpected;

    private BrowserChat(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !(_refusalsExpected && IsNetworkError(message.Text)))
            {
                _problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => _problems.Add("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !_refusalsExpected)
            {
                _problems.Add($"{response.Status} from {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>The Direct Line conversation the page was given (read from its token call).</summary>
    public string ConversationId { get; private set; } = string.Empty;

    /// <summary>The WebSocket streams the page opened.</summary>
    public List<string> Sockets { get; } = [];

    /// <summary>The polling reads the page made.</summary>
    public int Polls { get; private set; }

    /// <summary>The service's messages, oldest first.</summary>
    public ILocator BotMessages => Page.Locator(".webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content");

    /// <summary>The patient's own messages as the transcript shows them.</summary>
    public ILocator PatientMessages => Page.Locator(".webchat__bubble--from-user .webchat__bubble__content");

    /// <summary>The message shown above the chat when something went wrong.</summary>
    public ILocator Problem => Page.Locator("#chat-status");

    /// <summary>Opens <c>/c/{serviceId}</c> (WebSocket, or polling with <c>?transport=polling</c>) and waits for the first question.</summary>
    /// <param name="path">Another page with the chat (a personal follow-up link), instead of the service's link.</param>
    public static async Task<BrowserChat> OpenAsync(BrowserFixture browser, ServiceHost host, string serviceId = "riverside-gp", bool polling = false, string? expectQuestion = "Is this an emergency?", string? path = null)
    {
        var chat = new BrowserChat(await browser.NewPageAsync());
        // Reported as a console error as well, so ShouldHaveNoProblems sees any violation.
        await chat.Page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));");
        chat.Page.WebSocket += (_, socket) => chat.Sockets.Add(socket.Url);
        chat.Page.Request += (_, request) => chat.Polls += request.Method == "GET" && request.Url.Contains("/activities?watermark=", StringComparison.Ordinal) ? 1 : 0;
        var url = new Uri(host.BaseAddress, (path ?? $"c/{serviceId}") + (polling ? "?transport=polling" : string.Empty));
        var tokenPath = path is null ? $"/c/{serviceId}/token" : "/" + path.TrimStart('/') + "/token";
        var token = chat.Page.WaitForResponseAsync(r => r.Url.EndsWith(tokenPath, StringComparison.Ordinal));
        await chat.Page.GotoAsync(url.ToString());
        // Only a granted token's body is read: reading the body of a refused call can hang in this Chromium.
        var response = await token;
        if (response.Ok && await response.JsonAsync() is { } grant && grant.TryGetProperty("conversationId", out var id))
        {
            chat.ConversationId = id.GetString() ?? string.Empty;
        }
        if (expectQuestion is not null)
        {
            await Expect(chat.BotMessages.Last).ToContainTextAsync(expectQuestion);
        }

        return chat;
    }

    /// <summary>Types an answer and sends it with Enter, then waits for a new message from the service containing <paramref name="expect"/>.</summary>
    public async Task AnswerAsync(string text, string expect, int timeoutMs = 20_000)
    {
        var before = await BotMessages.CountAsync();
        var input = Page.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        await WaitForNewMessageAsync(before, expect, timeoutMs);
    }

    /// <summary>Presses the choice button labelled <paramref name="label"/>, then waits as <see cref="AnswerAsync"/>.</summary>
    public async Task ChooseAsync(string label, string expect, int timeoutMs = 20_000)
    {
        var before = await BotMessages.CountAsync();
        await ChoiceButton(label).ClickAsync();
        await WaitForNewMessageAsync(before, expect, timeoutMs);
    }

    /// <summary>The choice button (suggested action) labelled <paramref name="label"/>, as the patient sees it.</summary>
    public ILocator ChoiceButton(string label) =>
        Page.GetByRole(AriaRole.Toolbar, new PageGetByRoleOptions { Name = "Suggested actions" })
            .GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = label, Exact = true });

    /// <summary>The labels of the choice buttons now shown.</summary>
    public async Task<IReadOnlyList<string>> ChoicesAsync() =>
        [.. (await Page.Locator(".webchat__suggested-action").AllInnerTextsAsync()).Select(t => t.Trim())];

    public async Task<string> LastBotTextAsync() => await BotMessages.Last.InnerTextAsync();

    /// <summary>From now on, calls the service refuses (403 after expiry, a stopped service) are expected, not problems.</summary>
    public void ExpectRefusedCalls() => _refusalsExpected = true;

    /// <summary>Nothing the page did broke its Content-Security-Policy, threw, or failed to load.</summary>
    public void ShouldHaveNoProblems() => _problems.ShouldBeEmpty();

    /// <summary>The reference ID the service gave, read from its last message.</summary>
    public async Task<string> ReferenceAsync()
    {
        var text = await LastBotTextAsync();
        var match = ReferencePattern().Match(text);
        match.Success.ShouldBeTrue($"no reference ID in: {text}");
        return match.Value;
    }

    public async Task CloseAsync() => await Page.Context.CloseAsync();

    private async Task WaitForNewMessageAsync(int before, string expect, int timeoutMs)
    {
        await Expect(BotMessages).Not.ToHaveCountAsync(before, new LocatorAssertionsToHaveCountOptions { Timeout = timeoutMs });
        await Expect(BotMessages.Last).ToContainTextAsync(expect, new LocatorAssertionsToContainTextOptions { Timeout = timeoutMs });
        (await Page.GetByText("Send failed").CountAsync()).ShouldBe(0, "the widget says a message failed to send");
    }

    private static bool IsNetworkError(string text) =>
        text.StartsWith("Failed to load resource", StringComparison.Ordinal) || text.Contains("WebSocket connection to", StringComparison.Ordinal);

    [GeneratedRegex(@"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")]
    private static partial Regex ReferencePattern();
}
