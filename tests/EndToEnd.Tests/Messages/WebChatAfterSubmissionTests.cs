using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Messages;

/// <summary>A message typed in the same web chat after the reference ID goes on that request, over Direct Line.</summary>
public sealed class WebChatAfterSubmissionTests(WebChatHostFixture fixture) : IClassFixture<WebChatHostFixture>
{
    private ServiceHost Host => fixture.Host;

    [Fact]
    public async Task A_message_after_the_reference_id_goes_on_the_request_and_new_request_starts_again()
    {
        using var client = Host.CreateClient();
        var chat = await new DirectLineHttp(client).StartAsync();
        foreach (var answer in new[] { "1", "1", "A rash on my arm for a week", "2", "1", "Jane", "Smith", "22/10/2010", "1", "LS1 6AE", "07700 900123", "1" })
        {
            await chat.SayAsync(answer);
        }

        await chat.SayAsync(await WebChatTestSupport.LastCodeSentToAsync(Host));
        await chat.SayAsync("1");
        await chat.SayAsync("1");
        (await chat.StepAsync()).ShouldBe("submitted");
        var reference = System.Text.RegularExpressions.Regex.Match(await LastBotTextAsync(chat), @"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}").Value;

        await chat.SayAsync("It has spread to my other arm now");
        var first = await LastBotTextAsync(chat);
        await chat.SayAsync("And it itches at night");
        var second = await LastBotTextAsync(chat);

        first.ShouldStartWith($"Thanks, we've added this to your request {reference} with Riverside GP Practice.");
        first.ShouldContain("type new request");
        second.ShouldBe($"Thanks, we've added this to your request {reference} too.");
        (await chat.StepAsync()).ShouldBe("submitted");
        var thread = await Host.Services.GetRequiredService<IMessageStore>().ListForRequestAsync(reference);
        thread.Where(m => m.Direction == MessageDirection.In).Select(m => (m.Body, m.Channel)).ShouldBe(
            [("It has spread to my other arm now", Channel.WebChat), ("And it itches at night", Channel.WebChat)]);

        await chat.SayAsync("new request");
        (await chat.StepAsync()).ShouldBe("emergency");
    }

    private static async Task<string> LastBotTextAsync(DirectLineHttp.Conversation chat) =>
        (await chat.ReadAsync()).Activities.Last(a => a["from"]!["role"]!.GetValue<string>() == "bot")["text"]!.GetValue<string>();
}
