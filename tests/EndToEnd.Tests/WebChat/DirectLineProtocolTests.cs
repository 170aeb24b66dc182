using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Conversation.Channels.DirectLine;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>The Direct Line endpoints call by call over real HTTP: shapes, tokens, bad input, faults, the WebSocket.</summary>
public sealed class DirectLineProtocolTests(WebChatHostFixture shared) : IClassFixture<WebChatHostFixture>
{
    [Fact]
    public async Task Token_call_gives_a_token_for_a_new_conversation_with_that_service()
    {
        var host = shared.Host;
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/c/riverside-gp/token", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        body!["expires_in"]!.GetValue<int>().ShouldBeInRange(1790, 1800);
        var conversationId = body["conversationId"]!.GetValue<string>();
        conversationId.Length.ShouldBeGreaterThanOrEqualTo(22, "an unguessable id");
        var claims = Claims(body["token"]!.GetValue<string>());
        claims["conv"]!.GetValue<string>().ShouldBe(conversationId);
        claims["svc"]!.GetValue<string>().ShouldBe("riverside-gp");
        claims["user"]!.GetValue<string>().ShouldStartWith("dl_", Case.Sensitive, "the widget takes the user claim as the user id");
        (await host.Services.GetRequiredService<IActivityStore>().ListAfterAsync(conversationId, 0, 10)).ShouldBeEmpty("nothing is stored until the conversation starts");
    }

    [Fact]
    public async Task Opening_puts_the_welcome_and_first_question_in_the_stream_before_the_patient_types()
    {
        var host = shared.Host;
        var http = new DirectLineHttp(host.CreateClient());

        var conversation = await http.StartAsync();
        var (activities, watermark) = await conversation.ReadAsync();

        watermark.ShouldBe("1");
        activities.Count.ShouldBe(2);
        var (welcome, question) = (activities[0], activities[1]);
        welcome["text"]!.GetValue<string>().ShouldStartWith("Welcome to Riverside GP Practice.");
        welcome["inputHint"]!.GetValue<string>().ShouldBe("ignoringInput");
        welcome["suggestedActions"].ShouldBeNull();
        question["type"]!.GetValue<string>().ShouldBe("message");
        question["id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        DateTimeOffset.Parse(question["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        question["from"]!["role"]!.GetValue<string>().ShouldBe("bot");
        question["from"]!["name"]!.GetValue<string>().ShouldBe("Riverside GP Practice");
        question["textFormat"]!.GetValue<string>().ShouldBe("plain");
        question["inputHint"]!.GetValue<string>().ShouldBe("expectingInput");
        question["channelData"]!["step"]!.GetValue<string>().ShouldBe("emergency");
        question["suggestedActions"]!["actions"]!.AsArray().Select(a => (a!["type"]!.GetValue<string>(), a["title"]!.GetValue<string>(), a["value"]!.GetValue<string>()))
            .ShouldBe([("imBack", "No, it's not an emergency", "No, it's not an emergency"), ("imBack", "Yes, it's an emergency", "Yes, it's an emergency")]);
        conversation.StreamUrl.ShouldStartWith($"ws://127.0.0.1:{host.Port}/v3/directline/conversations/{conversation.Id}/stream?t=");
    }

    [Fact]
    public async Task Posted_message_is_echoed_with_its_id_and_client_activity_id_then_answered()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        var id = await conversation.SayAsync("No, it's not an emergency", "client-1");
        var (activities, watermark) = await conversation.ReadAsync("1");

        watermark.ShouldBe("2");
        var echo = activities[0];
        echo["id"]!.GetValue<string>().ShouldBe(id);
        echo["channelData"]!["clientActivityID"]!.GetValue<string>().ShouldBe("client-1");
        echo["text"]!.GetValue<string>().ShouldBe("No, it's not an emergency");
        echo["from"]!["role"]!.GetValue<string>().ShouldBe("user");
        var claims = Claims(conversation.Token);
        echo["from"]!["id"]!.GetValue<string>().ShouldBe(claims["user"]!.GetValue<string>(), "the sender comes from the token, not from what the client said");
        var reply = activities[^1];
        reply["channelData"]!["step"]!.GetValue<string>().ShouldBe("request-type");
        reply["replyToId"]!.GetValue<string>().ShouldBe(id);
        reply["suggestedActions"]!["actions"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()).ShouldBe(["Medical request (a new or ongoing health problem)", "Admin request (fit notes, letters, test results, repeat prescriptions)", "NHS online advice and guidance on conditions"]);
    }

    [Fact]
    public async Task Reposted_client_activity_id_is_applied_once_and_answered_with_the_same_id()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        var first = await conversation.SayAsync("No", "same-client-id");
        var again = await conversation.SayAsync("No", "same-client-id");
        var concurrently = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => conversation.SayAsync("No", "same-client-id")));

        again.ShouldBe(first);
        concurrently.ShouldAllBe(id => id == first);
        var (activities, watermark) = await conversation.ReadAsync();
        watermark.ShouldBe("2", "one batch for the opening, one for the message");
        activities.Count(a => a["from"]!["role"]!.GetValue<string>() == "user").ShouldBe(1);
        (await conversation.StepAsync()).ShouldBe("request-type", "applied once: a second 'No' would have been refused at request-type");
        var record = await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + conversation.Id);
        record!.Version.ShouldBe(2, "one state change for the opening, one for the message");
    }

    public static TheoryData<string, string> ForgedTokens => new()
    {
        { "signed with another key", "other-key" },
        { "payload changed after signing", "tampered" },
        { "unsigned (alg none)", "none" },
        { "not a token at all", "garbage" },
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_token_gets_403_and_stores_nothing(string because, string how)
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        var forged = Forge(conversation.Token, how);

        using var post = await conversation.PostAsync("No", token: forged);
        using var read = await conversation.GetActivitiesAsync(token: forged);
        using var refresh = await conversation.Http.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", forged);

        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden, because);
        read.StatusCode.ShouldBe(HttpStatusCode.Forbidden, because);
        refresh.StatusCode.ShouldBe(HttpStatusCode.Forbidden, because);
        (await post.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("The token is not valid.");
        (await conversation.ReadAsync()).Watermark.ShouldBe("1", "nothing was stored");
        (await conversation.StepAsync()).ShouldBe("emergency");
    }

    [Fact]
    public async Task Token_of_another_conversation_gets_403_and_changes_neither()
    {
        var host = shared.Host;
        var http = new DirectLineHttp(host.CreateClient());
        var mine = await http.StartAsync();
        var theirs = await http.StartAsync();

        using var post = await mine.PostAsync("No", token: theirs.Token);
        using var read = await mine.GetActivitiesAsync(token: theirs.Token);

        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await post.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("The token is for another conversation.");
        read.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await mine.StepAsync()).ShouldBe("emergency");
        (await theirs.StepAsync()).ShouldBe("emergency");
    }

    [Fact]
    public async Task Missing_token_gets_401()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        using var read = await conversation.Http.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversation.Id}/activities", token: null);

        read.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expired_token_gets_403_and_a_refresh_before_expiry_extends_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(), time: clock);
        var http = new DirectLineHttp(host.CreateClient());
        var conversation = await http.StartAsync();

        clock.Advance(TimeSpan.FromMinutes(20));
        using var refresh = await http.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", conversation.Token);
        refresh.StatusCode.ShouldBe(HttpStatusCode.OK);
        var refreshed = (await refresh.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        clock.Advance(TimeSpan.FromMinutes(11));

        using var expired = await conversation.PostAsync("No");
        expired.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await expired.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("TokenExpired");
        using var stillGood = await conversation.PostAsync("No", token: refreshed);
        stillGood.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (conversation with { Token = refreshed }).StepAsync()).ShouldBe("request-type");

        clock.Advance(TimeSpan.FromMinutes(31));
        using var late = await http.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", refreshed);
        late.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "an expired token cannot be refreshed");
    }

    [Fact]
    public async Task Refreshing_stops_twelve_hours_after_the_first_token()
    {
        // Token times are whole seconds (as a JWT's are): starting on a whole second keeps the last lifetime exact.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(), time: clock);
        var http = new DirectLineHttp(host.CreateClient());
        var (token, _) = await http.GetTokenAsync();
        var lifetimes = new List<int>();

        while (true)
        {
            clock.Advance(TimeSpan.FromMinutes(25));
            using var refresh = await http.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", token);
            if (refresh.StatusCode != HttpStatusCode.OK)
            {
                refresh.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
                (await refresh.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("TokenExpired");
                break;
            }

            var body = await refresh.Content.ReadFromJsonAsync<JsonObject>();
            token = body!["token"]!.GetValue<string>();
            lifetimes.Add(body["expires_in"]!.GetValue<int>());
            lifetimes.Count.ShouldBeLessThan(40, "refreshing must stop");
        }

        // 28 refreshes, 25 minutes apart: the last, at 11 h 40 min, lasts only to the 12 hours.
        lifetimes.Count.ShouldBe(28);
        lifetimes[..^1].ShouldAllBe(seconds => seconds == 1800);
        lifetimes[^1].ShouldBe(1200);
    }

    [Fact]
    public async Task Unknown_or_removed_conversation_gets_404()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(), time: clock);
        var http = new DirectLineHttp(host.CreateClient());
        var (token, neverOpened) = await http.GetTokenAsync();
        var conversation = new DirectLineHttp.Conversation(http, neverOpened, token, string.Empty);

        using var read = await conversation.GetActivitiesAsync();
        using var post = await conversation.PostAsync("No");
        using var reconnect = await http.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{neverOpened}?watermark=", token);
        read.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        reconnect.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + neverOpened)).ShouldBeNull();

        // Idle past the timeout, a conversation's stream is removed with its answers.
        var idle = await http.StartAsync();
        for (var minutes = 0; minutes < 61; minutes += 20)
        {
            using var refresh = await http.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", idle.Token);
            idle = idle with { Token = (await refresh.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>() };
            clock.Advance(TimeSpan.FromMinutes(20));
        }

        await host.Services.GetServices<IHostedService>().OfType<PatientContact.Conversation.Intake.ConversationPurger>().Single().PurgeStreamsOnceAsync(CancellationToken.None);
        using var gone = await idle.GetActivitiesAsync();
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Oversized_activity_gets_413_and_changes_nothing()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        using var response = await conversation.PostAsync(new string('a', DirectLineActivities.MaxActivityBytes + 1));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe("The activity is too large: at most 32 KB.");
        (await conversation.ReadAsync()).Watermark.ShouldBe("1");
        (await host.Services.GetRequiredService<IConversationStore>().GetAsync("webchat:" + conversation.Id))!.Version.ShouldBe(1);
    }

    [Theory]
    [InlineData("{not json", "The activity is not valid JSON.")]
    [InlineData("[1,2]", "The activity must be a JSON object.")]
    [InlineData("""{"text":"No"}""", "The activity needs a type, such as \"message\".")]
    [InlineData("""{"type":"message","text":{"b":1}}""", "The activity's text must be a string.")]
    [InlineData("""{"type":"message","text":"No","channelData":{"clientActivityID":7}}""", "channelData.clientActivityID must be a string of 1 to 128 characters.")]
    public async Task Malformed_activity_gets_400_with_the_reason_and_changes_nothing(string body, string reason)
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        using var response = await conversation.Http.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversation.Id}/activities", conversation.Token, new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldBe(reason);
        (await conversation.ReadAsync()).Watermark.ShouldBe("1");
    }

    [Fact]
    public async Task Typing_activity_is_acknowledged_and_not_stored()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();

        using var response = await conversation.Http.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversation.Id}/activities", conversation.Token, new StringContent("""{"type":"typing"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await conversation.ReadAsync()).Watermark.ShouldBe("1");
    }

    [Fact]
    public async Task Polling_read_answers_200_with_the_same_watermark_while_the_store_fails()
    {
        var store = new FlakyActivityStore();
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings(), services: s =>
        {
            s.RemoveAll<IActivityStore>();
            s.AddSingleton<IActivityStore>(sp => store.Over(new SqliteActivityStore(sp.GetRequiredService<SqliteDatabase>())));
        });
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        await conversation.SayAsync("No");

        store.FailReads = true;
        using var during = await conversation.GetActivitiesAsync("1");
        store.FailReads = false;
        var after = await conversation.ReadAsync("1");

        during.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await during.Content.ReadFromJsonAsync<JsonObject>();
        body!["activities"]!.AsArray().ShouldBeEmpty();
        body["watermark"]!.GetValue<string>().ShouldBe("1");
        after.Watermark.ShouldBe("2");
        after.Activities.Count.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Upload_of_a_file_before_the_photos_step_keeps_nothing_says_so_and_asks_the_question_again()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        using var form = new MultipartFormDataContent();
        var activity = new StringContent("""{"type":"message","attachments":[{"contentType":"image/png","name":"rash.png"}],"channelData":{"clientActivityID":"upload-1"}}""");
        activity.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
        form.Add(activity, "activity");
        form.Add(new ByteArrayContent(new byte[50_000]) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "rash.png");

        using var response = await conversation.Http.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{conversation.Id}/upload?userId=x", conversation.Token, form);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (activities, _) = await conversation.ReadAsync("1");
        activities[0]["channelData"]!["clientActivityID"]!.GetValue<string>().ShouldBe("upload-1");
        activities[0]["attachments"].ShouldBeNull("a file that is not a photo has no picture to show");
        activities[1]["text"]!.GetValue<string>().ShouldBe(PatientContact.Conversation.Intake.Steps.PhotosStep.NotNow);
        (await shared.Host.Services.GetRequiredService<PatientContact.Inbox.Storage.IAttachmentStore>()
            .GetAsync(PatientContact.Conversation.Intake.IncomingPhoto.IdFor(WebChatConversations.ConversationKey(conversation.Id), "c:upload-1", 0))).ShouldBeNull();
        activities[^1]["channelData"]!["step"]!.GetValue<string>().ShouldBe("emergency");
        activities[^1]["text"]!.GetValue<string>().ShouldStartWith("Is this an emergency?");
    }

    [Fact]
    public async Task Closed_service_says_so_when_the_conversation_opens()
    {
        // Monday 23 November 2026, 07:30 in London: the example GP practice opens at 8am.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.Zero));
        await using var host = await ServiceHost.StartAsync(
            WebChatTestSupport.Settings(("Rules:Directory", RepoPaths.Examples("opening-hours-and-capacity"))), time: clock);
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync("weekday-gp");

        var (activities, _) = await conversation.ReadAsync();

        var closed = activities[^1];
        closed["channelData"]!["step"]!.GetValue<string>().ShouldBe("closed");
        closed["text"]!.GetValue<string>().ShouldContain("8am");
        closed["inputHint"]!.GetValue<string>().ShouldBe("acceptingInput");
        closed["suggestedActions"].ShouldBeNull();
    }

    [Fact]
    public async Task Starting_twice_with_one_token_opens_one_conversation()
    {
        var host = shared.Host;
        var http = new DirectLineHttp(host.CreateClient());
        var (token, conversationId) = await http.GetTokenAsync();

        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => http.SendAsync(HttpMethod.Post, "/v3/directline/conversations", token)));

        starts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        starts.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(3);
        (await host.Services.GetRequiredService<IActivityStore>().ListAfterAsync(conversationId, 0, 10)).Count.ShouldBe(1);
        foreach (var start in starts)
        {
            start.Dispose();
        }
    }

    [Fact]
    public async Task WebSocket_stream_resumes_after_the_watermark_pushes_each_turn_and_ignores_empty_frames()
    {
        var host = shared.Host;
        var http = new DirectLineHttp(host.CreateClient());
        var conversation = await http.StartAsync();
        await conversation.SayAsync("No");

        using var reconnect = await http.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{conversation.Id}?watermark=1", conversation.Token);
        reconnect.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await reconnect.Content.ReadFromJsonAsync<JsonObject>();
        var streamUrl = fresh!["streamUrl"]!.GetValue<string>();
        streamUrl.ShouldEndWith("&watermark=1");

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(streamUrl), CancellationToken.None);
        var resumed = await ReceiveAsync(socket);
        resumed["watermark"]!.GetValue<string>().ShouldBe("2");
        resumed["activities"]!.AsArray()[0]!["text"]!.GetValue<string>().ShouldBe("No", "the stream starts after the watermark it was given");

        await socket.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Text, true, CancellationToken.None);
        var echoId = await conversation.SayAsync("Medical request");
        var pushed = await ReceiveAsync(socket);
        pushed["watermark"]!.GetValue<string>().ShouldBe("3");
        pushed["activities"]!.AsArray()[0]!["id"]!.GetValue<string>().ShouldBe(echoId);
        pushed["activities"]!.AsArray()[^1]!["channelData"]!["step"]!.GetValue<string>().ShouldBe("details");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        socket.State.ShouldBe(WebSocketState.Closed);
    }

    [Fact]
    public async Task Stream_token_and_conversation_token_each_work_only_where_they_belong()
    {
        var host = shared.Host;
        var conversation = await new DirectLineHttp(host.CreateClient()).StartAsync();
        var streamToken = Uri.UnescapeDataString(conversation.StreamUrl.Split("t=")[1].Split('&')[0]);

        using var asBearer = await conversation.GetActivitiesAsync(token: streamToken);
        asBearer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var socket = new ClientWebSocket();
        var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(
            new Uri($"ws://127.0.0.1:{host.Port}/v3/directline/conversations/{conversation.Id}/stream?t={Uri.EscapeDataString(conversation.Token)}"), CancellationToken.None));
        refused.Message.ShouldContain("403");
    }

    private static async Task<JsonObject> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage && message.Length > 0)
            {
                return JsonNode.Parse(message.ToArray())!.AsObject();
            }
        }
    }

    private static JsonObject Claims(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    private static string Forge(string token, string how)
    {
        var parts = token.Split('.');
        var claims = Claims(token);
        claims["conv"] = "someone-elses-conversation";
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var original = Claims(token);
        return how switch
        {
            "other-key" => $"{parts[0]}.{parts[1]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(new byte[32], Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])))}",
            "tampered" => $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(original.ToJsonString().Replace("riverside-gp", "northside-community", StringComparison.Ordinal)))}.{parts[2]}",
            "none" => $"{System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8)}.{parts[1]}.",
            _ => "not-a-token-" + tampered[..10],
        };
    }

    /// <summary>The real store, with reads that fail on demand: a store fault the poll must ride out.</summary>
    private sealed class FlakyActivityStore
    {
        public volatile bool FailReads;

        public IActivityStore Over(IActivityStore inner) => new Store(inner, this);

        private sealed class Store(IActivityStore inner, FlakyActivityStore owner) : IActivityStore
        {
            public Task<ActivityBatch> AppendAsync(string conversationId, string? clientActivityId, IReadOnlyList<string> activities, DateTimeOffset at, CancellationToken cancellationToken = default) =>
                inner.AppendAsync(conversationId, clientActivityId, activities, at, cancellationToken);

            public Task<IReadOnlyList<ActivityBatch>> ListAfterAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
                owner.FailReads ? throw new Microsoft.Data.Sqlite.SqliteException("database is locked", 5) : inner.ListAfterAsync(conversationId, afterSequence, limit, cancellationToken);

            public Task<int> DeleteIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.DeleteIdleAsync(cutoff, cancellationToken);

            public Task<ActivityUsage> UsageAsync(string conversationId, CancellationToken cancellationToken = default) => inner.UsageAsync(conversationId, cancellationToken);
        }
    }
}
