namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>The page for a link that names no service: says so plainly and where to get help instead.</summary>
public static class NotFoundPage
{
    /// <summary>The page as a 404 response, with a static page's headers: for an unknown service, or a link that is not there.</summary>
    public static IResult Respond(HttpContext context, WebChatAssets assets, WebChatHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.ForStaticPage(context);
        return Results.Content(Render(assets), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
    }

    public static string Render(WebChatAssets assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              {{PageParts.Head("Page not found", assets)}}
            </head>
            <body>
              <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
              <div class="nhsuk-width-container">
                <main class="nhsuk-main-wrapper" id="maincontent">
                  <h1>Page not found</h1>
                  <p>There is no service at this address. Check the link you were given, or contact your GP practice or health service another way.</p>
                  <p>If you need help now, call 111 or go to <a href="https://111.nhs.uk">111.nhs.uk</a>. In an emergency, call 999.</p>
                </main>
              </div>
            </body>
            </html>
            """;
    }
}
