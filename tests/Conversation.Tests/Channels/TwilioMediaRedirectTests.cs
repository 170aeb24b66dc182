using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Inbox.Messaging;
using PatientContact.Tests.Support;

namespace PatientContact.Conversation.Tests.Channels;

/// <summary>
/// Twilio answers a media GET with a redirect to a short-lived address of its content store. The service follows
/// that one redirect (https, or the API host itself) without the account's credentials; a second redirect, or one
/// back to where it came from, is refused with the patient's plain sentence and no photo.
/// </summary>
public sealed class TwilioMediaRedirectTests
{
    private const string AccountSid = "AC00000000000000000000000000000001";
    private const string MessageSid = "MM00000000000000000000000000000001";
    private static readonly string Resource = $"https://api.twilio.example/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/ME0001";
    private const string Store = "https://media.content-store.example/abc?Expires=1";

    [Fact]
    public async Task One_redirect_to_the_content_store_is_followed_without_the_credentials()
    {
        var jpeg = TestImages.Jpeg();
        var handler = new ScriptedHandler(request => request.RequestUri!.ToString() == Resource
            ? Redirect(Store)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(jpeg) });

        var fetched = await Media(handler).FetchAsync("sms:test", MessageSid, [new InboundMedia(Resource, "image/jpeg")], CancellationToken.None);

        fetched.Photos.ShouldHaveSingleItem().Check.Photo.ShouldNotBeNull();
        handler.Seen.Select(s => s.Url).ShouldBe([Resource, Store]);
        handler.Seen[0].Authorization.ShouldStartWith("Basic ");
        handler.Seen[1].Authorization.ShouldBeNull("the account's credentials never go to the content store");
    }

    [Theory]
    [InlineData("https://media.content-store.example/again")]
    [InlineData("https://api.twilio.example/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/MM00000000000000000000000000000001/Media/ME0001")]
    public async Task A_second_redirect_or_a_loop_is_refused_plainly_and_nothing_is_kept(string second)
    {
        var handler = new ScriptedHandler(request => request.RequestUri!.ToString() == Resource ? Redirect(Store) : Redirect(second));

        var fetched = await Media(handler).FetchAsync("sms:test", MessageSid, [new InboundMedia(Resource, "image/jpeg")], CancellationToken.None);

        var photo = fetched.Photos.ShouldHaveSingleItem();
        photo.Check.Photo.ShouldBeNull();
        photo.Check.Refusal.ShouldBe(TwilioMedia.NotFetched);
        handler.Seen.Select(s => s.Url).ShouldBe([Resource, Store], "the second redirect is not followed");
        fetched.ToDelete.ShouldHaveSingleItem().ToString().ShouldBe(Resource, "Twilio's copy is still deleted");
    }

    [Fact]
    public async Task A_redirect_to_plain_http_on_another_host_is_refused_and_not_followed()
    {
        var handler = new ScriptedHandler(_ => Redirect("http://media.content-store.example/abc"));

        var fetched = await Media(handler).FetchAsync("sms:test", MessageSid, [new InboundMedia(Resource, "image/jpeg")], CancellationToken.None);

        fetched.Photos.ShouldHaveSingleItem().Check.Refusal.ShouldBe(TwilioMedia.NotFetched);
        handler.Seen.Select(s => s.Url).ShouldBe([Resource]);
    }

    private static TwilioMedia Media(HttpMessageHandler handler) => new(
        handler,
        Options.Create(new TwilioOptions { AccountSid = AccountSid, AuthToken = "token", ApiBaseUrl = new Uri("https://api.twilio.example") }),
        NullLogger<TwilioMedia>.Instance);

    private static HttpResponseMessage Redirect(string to)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location = new Uri(to);
        return response;
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(string Url, string? Authorization)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add((request.RequestUri!.ToString(), request.Headers.Authorization?.ToString()));
            return Task.FromResult(answer(request));
        }
    }
}
