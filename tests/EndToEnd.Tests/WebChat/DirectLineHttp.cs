using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>Direct Line 3.0 spoken over plain HTTP, call by call, for tests that look at each answer.</summary>
public sealed class DirectLineHttp(HttpClient client)
{
    public HttpClient Client { get; } = client;

    /// <summary>POST /c/{serviceId}/token.</summary>
    public async Task<(string Token, string ConversationId)> GetTokenAsync(string serviceId = "riverside-gp")
    {
        using var response = await Client.PostAsync($"/c/{serviceId}/token", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (body!["token"]!.GetValue<string>(), body["conversationId"]!.GetValue<string>());
    }

    /// <summary>A token, then POST /v3/directline/conversations with it: the conversation is open.</summary>
    public async Task<Conversation> StartAsync(string serviceId = "riverside-gp")
    {
        var (token, conversationId) = await GetTokenAsync(serviceId);
        using var response = await SendAsync(HttpMethod.Post, "/v3/directline/conversations", token, new StringContent("""{"user":{"id":"someone"}}""", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        body!["conversationId"]!.GetValue<string>().ShouldBe(conversationId);
        return new Conversation(this, conversationId, body["token"]!.GetValue<string>(), body["streamUrl"]!.GetValue<string>());
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Add("x-ms-bot-agent", "DirectLine/3.0 (tests)");
        return await Client.SendAsync(request);
    }

    /// <summary>A message as the widget posts it.</summary>
    public static StringContent Message(string text, string? clientActivityId) => new(
        JsonSerializer.Serialize(new
        {
            type = "message",
            text,
            textFormat = "plain",
            attachments = Array.Empty<object>(),
            channelData = clientActivityId is null ? null : new { clientActivityID = clientActivityId, attachmentSizes = Array.Empty<int>() },
            channelId = "webchat",
            from = new { id = "dl_someone-else", name = "", role = "user" },
            locale = "en-GB",
        }),
        Encoding.UTF8,
        "application/json");

    /// <summary>One open conversation and its token.</summary>
    public sealed record Conversation(DirectLineHttp Http, string Id, string Token, string StreamUrl)
    {
        public async Task<HttpResponseMessage> PostAsync(string text, string? clientActivityId = null, string? token = null) =>
            await Http.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{Id}/activities", token ?? Token, Message(text, clientActivityId ?? Guid.NewGuid().ToString("N")));

        /// <summary>Posts and requires success; returns the echo's id.</summary>
        public async Task<string> SayAsync(string text, string? clientActivityId = null)
        {
            using var response = await PostAsync(text, clientActivityId);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        }

        public async Task<HttpResponseMessage> GetActivitiesAsync(string? watermark = "", string? token = null) =>
            await Http.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{Id}/activities?watermark={watermark}", token ?? Token);

        /// <summary>Everything in the stream after the watermark, and the new watermark.</summary>
        public async Task<(List<JsonObject> Activities, string Watermark)> ReadAsync(string watermark = "")
        {
            using var response = await GetActivitiesAsync(watermark);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            return ([.. body!["activities"]!.AsArray().Select(a => a!.AsObject())], body["watermark"]!.GetValue<string>());
        }

        /// <summary>The step of the last message from the service.</summary>
        public async Task<string> StepAsync() =>
            (await ReadAsync()).Activities.Last(a => a["from"]!["role"]!.GetValue<string>() == "bot")["channelData"]!["step"]!.GetValue<string>();
    }
}
