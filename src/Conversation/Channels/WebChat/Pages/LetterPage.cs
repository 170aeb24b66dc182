using static PatientContact.Conversation.Channels.WebChat.Pages.PrintedContact;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>
/// <c>/c/{serviceId}/letter</c>, for the staff who write letters: the paragraph as it prints, with the
/// QR code beside it, then the same paragraph as plain text to copy into a mail-merge template and the
/// QR code as a PNG picture to put beside it.
/// </summary>
public static class LetterPage
{
    public static string Render(PrintedContact contact, WebChatAssets assets)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(assets);
        var name = Html(contact.ServiceName);
        var paragraph = Html(contact.LetterParagraph);
        var png = Html(contact.Link + "/qr.png");
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              {{PageParts.Head("Paragraph for letters: " + contact.ServiceName, assets)}}
              <link rel="stylesheet" href="{{Html(assets.Url(WebChatAssets.PrintableStyles))}}">
            </head>
            <body class="pc-printable">
              <a class="nhsuk-skip-link pc-screen-only" href="#maincontent">Skip to main content</a>
              {{PageParts.Header(contact.ServiceName, screenOnly: true)}}
              <div class="nhsuk-width-container pc-printable__container">
                <main class="nhsuk-main-wrapper pc-printable__main" id="maincontent">
                  <h1><span class="nhsuk-caption-l">{{name}}<span class="nhsuk-u-visually-hidden"> - </span></span>Paragraph for letters</h1>
                  <p>Put this paragraph in letters to patients, so they know how to contact you when it's not urgent. It gives the same link, QR code and numbers as the <a href="poster">poster</a>.</p>

                  <h2>How it looks in a letter</h2>
                  <div class="pc-letter">
                    <p class="pc-letter__text">{{paragraph}}</p>
                    <div class="pc-letter__qr">{{QrCodes.Svg(contact.Link)}}</div>
                  </div>

                  <h2>Using it in a mail merge</h2>
                  <ol class="nhsuk-list nhsuk-list--number">
                    <li>
                      <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="paragraph-text">Copy this text into your letter template</label>
                        <textarea class="nhsuk-textarea pc-letter__copy" id="paragraph-text" rows="6" readonly>{{paragraph}}</textarea>
                      </div>
                    </li>
                    <li>
                      <a href="qr.png" download="{{Html(contact.ServiceId)}}-qr-code.png">Download the QR code as a PNG picture</a>
                      and put it beside the paragraph, at least 3 cm wide. A word processor can also take the picture from its address:
                      <span class="pc-letter__address">{{png}}</span>
                    </li>
                    <li>Print one letter and check that your phone's camera opens the link from the printed QR code.</li>
                  </ol>
                </main>
              </div>
            </body>
            </html>
            """;
    }
}
