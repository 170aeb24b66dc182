using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>What the web chat tests share: a fixed token key (so tokens outlive a restart) and the patient's phone.</summary>
public static partial class WebChatTestSupport
{
    public const string JanesMobile = "+447700900123";

    /// <summary>A fixed key, as a deployment would configure; a random one would not survive a restart.</summary>
    public static readonly string TokenKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["WebChat:TokenKey"] = TokenKey,
            ["WebChat:TokenRequestsPerMinute"] = "1000",
            // Tests post faster than patients type, all from one address; the tests of the limits set their own.
            ["WebChat:PostsPerConversationPerMinute"] = "10000",
            ["WebChat:PostsPerClientPerMinute"] = "100000",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The last one-time code texted to a number, read from the Development outbox
    /// (<c>GET /dev/outbox?to=</c>) as a developer without the phone would read it.
    /// </summary>
    public static async Task<string> LastCodeSentToAsync(ServiceHost host, string e164 = JanesMobile)
    {
        using var client = host.CreateClient();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var texts = await client.GetFromJsonAsync<JsonArray>("/dev/outbox?to=" + Uri.EscapeDataString(e164));
            var code = texts!.Select(t => t!["body"]!.GetValue<string>()).Select(body => CodeText().Match(body)).FirstOrDefault(m => m.Success);
            if (code is not null)
            {
                return code.Groups[1].Value;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("No code was texted to that number.");
    }

    [GeneratedRegex(@"^(\d{6}) is your code for ")]
    private static partial Regex CodeText();
}

/// <summary>One running service with the web chat test settings, shared by the tests of a class that need nothing special.</summary>
public sealed class WebChatHostFixture : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
