using System.Text.Encodings.Web;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>What every page patients and the public see starts with: the head's common lines and the NHS.UK header naming the service.</summary>
internal static class PageParts
{
    /// <summary>Charset, viewport, the title, the icon and the NHS.UK styles (served from this origin).</summary>
    /// <param name="title">Plain text; encoded here.</param>
    public static string Head(string title, WebChatAssets assets) => $"""
        <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{Html(title)}</title>
          <link rel="icon" href="{Html(assets.Url(WebChatAssets.Icon))}" type="image/svg+xml">
          <link rel="stylesheet" href="{Html(assets.Url(WebChatAssets.NhsStyles))}">
        """;

    /// <summary>The NHS.UK header with the service's name; on printable pages it shows on screen only.</summary>
    /// <param name="serviceName">Plain text; encoded here.</param>
    public static string Header(string serviceName, bool screenOnly = false) => $"""
        <header class="nhsuk-header{(screenOnly ? " pc-screen-only" : string.Empty)}" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
              <div class="nhsuk-header__service">
                <span class="nhsuk-header__service-name">{Html(serviceName)}</span>
              </div>
            </div>
          </header>
        """;

    private static string Html(string value) => HtmlEncoder.Default.Encode(value);
}
