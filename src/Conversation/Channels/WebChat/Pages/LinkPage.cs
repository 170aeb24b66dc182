using System.Text.Encodings.Web;
using PatientContact.Inbox.Links;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>The patient link page, <c>/c/{serviceId}</c>: the service's name, what this is for, and the chat.</summary>
public static class LinkPage
{
    /// <param name="followUpTokenUrl">For a personal follow-up link: where its page gets a conversation token (the link's own address).</param>
    /// <summary>What a personal follow-up link's page says first, in the chat and on the form's start page.</summary>
    public const string FollowUpIntro =
        "This is your personal link to contact us about your follow-up care, when it is not urgent. We'll ask you some questions. It takes about 5 minutes.";

    public static string Render(ServiceDefinition service, WebChatAssets assets, string nonce, string? followUpTokenUrl = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(assets);
        var name = Html(service.Name);
        var phone = Html(service.PhoneNumber);
        // The same conversation as pages that need no script: offered to everyone, and what the page says without script.
        var formUrl = Html(followUpTokenUrl is null
            ? PatientLinks.Path(service.Id) + "/form"
            : followUpTokenUrl[..followUpTokenUrl.LastIndexOf("/token", StringComparison.Ordinal)] + "/form");
        var tokenUrl = followUpTokenUrl is null ? string.Empty : $" data-token-url=\"{Html(followUpTokenUrl)}\"";
        var intro = followUpTokenUrl is null
            ? "Send us a request that is not urgent. We'll ask you some questions. It takes about 5 minutes."
            : FollowUpIntro;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              {{PageParts.Head("Send a request to " + service.Name, assets)}}
              <link rel="stylesheet" href="{{Html(assets.Url(WebChatAssets.Styles))}}">
              <script src="{{Html(assets.Url(WebChatAssets.Bundle))}}" nonce="{{nonce}}" defer></script>
              <script src="{{Html(assets.Url(WebChatAssets.Script))}}" nonce="{{nonce}}" defer></script>
            </head>
            <body>
              <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
              {{PageParts.Header(service.Name)}}
              <div class="nhsuk-width-container">
                <main class="nhsuk-main-wrapper" id="maincontent">
                  <h1>{{name}}</h1>
                  <p class="nhsuk-body-l">{{intro}}</p>
                  <div class="nhsuk-inset-text">
                    <span class="nhsuk-u-visually-hidden">Information: </span>
                    <p>If you need help now, call 111 or go to <a href="https://111.nhs.uk">111.nhs.uk</a>. In an emergency, call 999.</p>
                  </div>
                  <div id="chat-status" class="pc-chat-status" role="alert" tabindex="-1" hidden></div>
                  <section class="pc-chat" aria-labelledby="chat-heading">
                    <h2 id="chat-heading" class="nhsuk-heading-m">Your request</h2>
                    <div id="webchat" class="pc-chat__widget" data-service-id="{{Html(service.Id)}}" data-phone="{{phone}}"{{tokenUrl}}></div>
                    <noscript><p class="pc-chat__noscript">The chat needs JavaScript, which is off in this browser. <a href="{{formUrl}}">Send your request with a form instead</a>: it asks the same questions, one on each page. Or call us on {{phone}}.</p></noscript>
                  </section>
                  <p class="pc-form-offer">Prefer not to chat? <a href="{{formUrl}}" id="use-form">Use a form instead</a>. It asks the same questions, one on each page.</p>
                  <p>To speak to someone, call {{phone}}.</p>
                </main>
              </div>
            </body>
            </html>
            """;
    }

    private static string Html(string value) => HtmlEncoder.Default.Encode(value);
}
