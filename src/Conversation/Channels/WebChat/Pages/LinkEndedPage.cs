using System.Text.Encodings.Web;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>
/// What a personal follow-up link shows once it has ended (its end date passed, or staff ended it): that it
/// has ended, and the ways to contact the service that still work. Nothing about the patient is on it.
/// </summary>
public static class LinkEndedPage
{
    public static string Render(ServiceDefinition service, WebChatAssets assets, string generalLink)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(assets);
        var name = Html(service.Name);
        var link = Html(generalLink);
        var text = service.SmsNumbers.Count > 0
            ? $"<li>by text message to {Html(PhoneParser.Display(service.SmsNumbers[0]))}</li>"
            : string.Empty;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              {{PageParts.Head("This follow-up link has ended - " + service.Name, assets)}}
            </head>
            <body>
              <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
              {{PageParts.Header(service.Name)}}
              <div class="nhsuk-width-container">
                <main class="nhsuk-main-wrapper" id="maincontent">
                  <h1>This follow-up link has ended</h1>
                  <p>The follow-up period for this link is over, so it can no longer be used to send us a request.</p>
                  <h2 class="nhsuk-heading-m">You can still contact us</h2>
                  <ul>
                    <li>online at <a href="{{link}}">{{link}}</a></li>
                    {{text}}
                    <li>by phone on {{Html(service.PhoneNumber)}}</li>
                  </ul>
                  <div class="nhsuk-inset-text">
                    <span class="nhsuk-u-visually-hidden">Information: </span>
                    <p>If you need help now, call 111 or go to <a href="https://111.nhs.uk">111.nhs.uk</a>. In an emergency, call 999.</p>
                  </div>
                </main>
              </div>
            </body>
            </html>
            """;
    }

    private static string Html(string value) => HtmlEncoder.Default.Encode(value);
}
