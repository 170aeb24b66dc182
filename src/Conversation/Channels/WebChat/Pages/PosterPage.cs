using static PatientContact.Conversation.Channels.WebChat.Pages.PrintedContact;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>
/// <c>/c/{serviceId}/poster</c>: an A4 poster to print for a waiting room or noticeboard. On screen it
/// sits under a short note on printing; on paper only the poster prints, on one page.
/// </summary>
public static class PosterPage
{
    public static string Render(PrintedContact contact, WebChatAssets assets)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(assets);
        var name = Html(contact.ServiceName);
        var link = Html(contact.Link);
        var texts = contact.SmsNumbers.Count == 0
            ? string.Empty
            : $"""<p class="pc-poster__way">or text us on {string.Join(" or ", contact.SmsNumbers.Select(n => $"""<a href="{Html(n.Href)}" class="pc-poster__number">{Html(n.ForPeople)}</a>"""))}</p>""";
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              {{PageParts.Head("Poster to print: " + contact.ServiceName, assets)}}
              <link rel="stylesheet" href="{{Html(assets.Url(WebChatAssets.PrintableStyles))}}">
              <script src="{{Html(assets.Url(WebChatAssets.PrintableScript))}}" defer></script>
            </head>
            <body class="pc-printable">
              <a class="nhsuk-skip-link pc-screen-only" href="#maincontent">Skip to main content</a>
              {{PageParts.Header(contact.ServiceName, screenOnly: true)}}
              <div class="nhsuk-width-container pc-printable__container">
                <main class="nhsuk-main-wrapper pc-printable__main" id="maincontent">
                  <div class="pc-screen-only pc-print-help">
                    <p>This poster fits one sheet of A4 paper. Only the poster prints, not this box.</p>
                    <button type="button" class="nhsuk-button nhsuk-u-margin-bottom-3" data-print hidden>Print this poster</button>
                    <p>You can also use your browser's Print command (Ctrl+P, or Cmd+P on a Mac). For letters, use the <a href="letter">paragraph for letters with the QR code</a>.</p>
                  </div>
                  <article class="pc-poster" aria-labelledby="poster-heading">
                    <h1 id="poster-heading" class="pc-poster__name">{{name}}</h1>
                    <p class="pc-poster__call">Contact us online when it's not urgent</p>
                    <figure class="pc-poster__qr">
                      {{QrCodes.Svg(contact.Link)}}
                      <figcaption class="pc-poster__scan">Scan this QR code with your phone's camera</figcaption>
                    </figure>
                    <p class="pc-poster__way">or go to <a href="{{link}}" class="pc-poster__link">{{link}}</a></p>
                    {{texts}}
                    <p class="pc-poster__way">or call us on <a href="{{Html(contact.PhoneHref)}}" class="pc-poster__number">{{Html(contact.Phone)}}</a></p>
                    <div class="pc-poster__urgent">
                      <p><strong>This is not for emergencies.</strong> In an emergency, call 999. If you need help now, call 111 or go to 111.nhs.uk.</p>
                    </div>
                  </article>
                </main>
              </div>
            </body>
            </html>
            """;
    }
}
