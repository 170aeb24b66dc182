using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>
/// What one client can make the service store or hold open through web chat: the text limit at the
/// door, posts per conversation and per client each minute, turns and bytes per conversation, and
/// open streams per conversation. Each refusal says why and changes nothing.
/// </summary>
public sealed class WebChatBoundsTests
{
    [Fact]
    public async Task Message_longer_than_the_engine_takes_gets_413_with_a_direct_line_error_and_changes_nothing()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        using var tooLong = await conversation.PostAsync(new string('a', 4001));
        using var atTheLimit = await conversation.PostAsync(new string('b', 4000));

        tooLong.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var error = (await tooLong.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("MessageSizeTooBig");
        error["message"]!.GetValue<string>().ShouldBe("The message is too long: at most 4,000 characters.");
        atTheLimit.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (activities, watermark) = await conversation.ReadAsync();
        watermark.ShouldBe("2", "only the message within the limit was stored");
        activities.Where(a => a["from"]!["role"]!.GetValue<string>() == "user").Select(a => a["text"]!.GetValue<string>().Length).ShouldBe([4000]);
        (await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + conversation.Id))!.Version.ShouldBe(2);
    }

    [Fact]
    public async Task Posts_past_a_conversation_s_minute_budget_get_429_with_retry_after_until_the_minute_is_up()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:PostsPerConversationPerMinute", "5")), time: clock);
        var http = new DirectLineHttp(host.CreateClient());
        var conversation = await http.StartAsync();
        var other = await http.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await conversation.SayAsync("help");
        }

        clock.Advance(TimeSpan.FromSeconds(20));
        using var refused = await conversation.PostAsync("No");

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(40));
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("TooManyRequests");
        error["message"]!.GetValue<string>().ShouldBe("Too many messages from this conversation. Try again in 40 seconds.");
        (await conversation.ReadAsync()).Watermark.ShouldBe("6", "the refused post was not stored");
        (await conversation.StepAsync()).ShouldBe("emergency");
        await other.SayAsync("No");
        (await other.StepAsync()).ShouldBe("request-type", "another patient's conversation has its own budget");

        clock.Advance(TimeSpan.FromSeconds(40));
        await conversation.SayAsync("No");
        (await conversation.StepAsync()).ShouldBe("request-type");
    }

    [Fact]
    public async Task Posts_past_a_client_s_minute_budget_get_429_whichever_conversation_they_are_for()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:PostsPerClientPerMinute", "6")), time: clock);
        var http = new DirectLineHttp(host.CreateClient());
        var first = await http.StartAsync();
        var second = await http.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await first.SayAsync("help");
            await second.SayAsync("help");
        }

        var third = await http.StartAsync();
        using var refused = await third.PostAsync("No");

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(60));
        (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("Too many messages from this connection. Try again in 60 seconds.");
        (await third.ReadAsync()).Watermark.ShouldBe("1");
    }

    [Fact]
    public async Task Flood_of_simultaneous_posts_from_one_token_stores_no_more_than_the_budget()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:PostsPerConversationPerMinute", "30")));
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        var text = new string('x', 4000);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await conversation.PostAsync(text);
            return response.StatusCode;
        }));

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(30);
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(170);
        var usage = await host.Services.GetRequiredService<IActivityStore>().UsageAsync(conversation.Id);
        usage.Batches.ShouldBe(31);
    }

    [Fact]
    public async Task Conversation_with_its_most_turns_refuses_the_next_post_with_403_and_changes_nothing()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:MaxTurnsPerConversation", "50")));
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        for (var i = 0; i < 49; i++)
        {
            await conversation.SayAsync("help");
        }

        var version = (await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + conversation.Id))!.Version;
        using var refused = await conversation.PostAsync("No");

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the widget ends the conversation on a 403 and offers a new one");
        (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("This conversation is too long to go on. Start a new conversation.");
        (await host.Services.GetRequiredService<IActivityStore>().UsageAsync(conversation.Id)).Batches.ShouldBe(50);
        (await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + conversation.Id))!.Version.ShouldBe(version);
    }

    [Fact]
    public async Task Conversation_holding_its_most_bytes_refuses_the_next_post()
    {
        const int cap = 64 * 1024;
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(("WebChat:MaxBytesPerConversation", cap.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        var store = host.Services.GetRequiredService<IActivityStore>();
        var text = new string('x', 4000);

        var accepted = 0;
        HttpStatusCode status;
        do
        {
            using var response = await conversation.PostAsync(text);
            status = response.StatusCode;
            accepted += status == HttpStatusCode.OK ? 1 : 0;
        }
        while (status == HttpStatusCode.OK && accepted < 100);

        status.ShouldBe(HttpStatusCode.Forbidden);
        var usage = await store.UsageAsync(conversation.Id);
        usage.Bytes.ShouldBeGreaterThanOrEqualTo(cap);
        usage.Bytes.ShouldBeLessThan(cap + (16 * 1024), "the last turn stored took it over the cap, and nothing after it");
        usage.Batches.ShouldBe(accepted + 1);
    }

    [Fact]
    public async Task Third_stream_of_a_conversation_is_refused_with_429_until_one_of_the_others_closes()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        var other = await new DirectLineHttp(host.CreateClient()).StartAsync();
        using var first = await ConnectAsync(conversation.StreamUrl);
        using var second = await ConnectAsync(conversation.StreamUrl);

        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        await Should.ThrowAsync<WebSocketException>(() => third.ConnectAsync(new Uri(conversation.StreamUrl), CancellationToken.None));
        third.HttpStatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        using var othersStream = await ConnectAsync(other.StreamUrl);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        using var again = await ConnectWhenFreeAsync(conversation.StreamUrl);
        again.State.ShouldBe(WebSocketState.Open);
    }

    private static async Task<ClientWebSocket> ConnectAsync(string url)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(url), CancellationToken.None);
        return socket;
    }

    /// <summary>The server frees a stream's place once its loop has ended, a moment after the close.</summary>
    private static async Task<ClientWebSocket> ConnectWhenFreeAsync(string url)
    {
        for (var attempt = 0; ; attempt++)
        {
            var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(new Uri(url), CancellationToken.None);
                return socket;
            }
            catch (WebSocketException) when (attempt < 50)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
        }
    }
}
