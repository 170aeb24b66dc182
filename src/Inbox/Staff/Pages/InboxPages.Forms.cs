using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>Every staff form post: read within a size, then checked for its anti-forgery token.</summary>
public static partial class InboxPages
{
    /// <summary>The largest staff form body read; the longest real one (a text to a patient) is a few KB.</summary>
    public const long MaxFormBytes = 256 * 1024;

    /// <summary>
    /// Anti-forgery on every form: a POST without a valid token changes nothing. The form is read here
    /// first, within <see cref="MaxFormBytes"/>: one too large is answered 413 and one that cannot be
    /// read 400, each with a page saying so, never an error 500.
    /// </summary>
    private static async ValueTask<object?> AntiforgeryCheckAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var photos = Attachments.PhotoForm.Takes(context);
            if (!photos && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = MaxFormBytes;
            }

            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            try
            {
                if (photos)
                {
                    // A photos page: read as a stream within the photo limits, its files kept for the page.
                    await Attachments.PhotoForm.ReadAsync(context);
                }
                else if (context.Request.HasFormContentType)
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }

                if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
                {
                    return Message(context, StatusCodes.Status400BadRequest, "The form could not be sent",
                        "The form was not sent from this site, or it has expired. Go back, reload the page and try again.");
                }
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Message(context, StatusCodes.Status413PayloadTooLarge, "The form is too large",
                    photos ? Attachments.PhotoForm.TooLarge : "What was sent is more than this form takes. Go back, shorten what you typed and try again.");
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                return Message(context, StatusCodes.Status400BadRequest, "The form could not be sent",
                    "The form could not be read. Go back, reload the page and try again.");
            }
        }

        return await next(invocation);
    }
}
