using Microsoft.Extensions.DependencyInjection;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>The service spoken to by the npm <c>botframework-directlinejs</c> client (the one inside the widget), from Node.</summary>
public sealed class DirectLineClientTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Directlinejs_client_walks_a_whole_conversation_with_a_texted_code(string transport)
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());

        var outcome = await DirectLineNodePeer.RunAsync(host, count: 1, transport, withCode: true, TimeSpan.FromMinutes(2));

        outcome.Failures.ShouldBeEmpty(outcome.Errors);
        outcome.ExitCode.ShouldBe(0, outcome.Errors);
        var done = outcome.Done.ShouldHaveSingleItem();
        var request = await host.Services.GetRequiredService<IRequestStore>().GetAsync(done["reference"]!.GetValue<string>());
        request.ShouldNotBeNull();
        request.Channel.ShouldBe(Channel.WebChat);
        request.Contact.ShouldBe(new ContactDetails(WebChatTestSupport.JanesMobile, true, ContactPreference.Text));
        request.ConversationKey.ShouldBe("webchat:" + done["conversationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fifty_concurrent_conversations_each_see_every_message_once_and_in_order()
    {
        await using var host = await ServiceHost.StartAsync(WebChatTestSupport.Settings());

        // Half over WebSockets, half polling; each client checks that it saw exactly the stored stream, in order.
        var outcome = await DirectLineNodePeer.RunAsync(host, count: 50, "mixed", withCode: false, TimeSpan.FromMinutes(3));

        outcome.Failures.ShouldBeEmpty(outcome.Errors);
        outcome.ExitCode.ShouldBe(0, outcome.Errors);
        outcome.Done.Count.ShouldBe(50);
        outcome.Done.Select(d => d["conversationId"]!.GetValue<string>()).Distinct().Count().ShouldBe(50);
        var requests = host.Services.GetRequiredService<IRequestStore>();
        foreach (var done in outcome.Done)
        {
            var request = await requests.GetAsync(done["reference"]!.GetValue<string>());
            request.ShouldNotBeNull();
            request.Patient.FirstName.ShouldBe(done["firstName"]!.GetValue<string>(), "each reference belongs to its own patient");
            request.ConversationKey.ShouldBe("webchat:" + done["conversationId"]!.GetValue<string>());
        }
    }
}
