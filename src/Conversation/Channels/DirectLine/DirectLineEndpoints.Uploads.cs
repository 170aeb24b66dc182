using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PatientContact.Inbox.Attachments;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>The upload call (the widget's upload button), apart from the rest of the protocol's calls.</summary>
public static partial class DirectLineEndpoints
{
    /// <summary>One upload: room for as many photos as a request takes at their largest, and a little more.</summary>
    private const long MaxUploadBytes = (PhotoCheck.MaxPhotos + 1) * PhotoCheck.MaxBytes;

    /// <summary>Files of one upload that are read; any more are read past (the photos step takes 5 in all).</summary>
    private const int MaxUploadFiles = PhotoCheck.MaxPhotos + 1;

    /// <summary>
    /// POST /conversations/{id}/upload: a message with files (the widget's upload button): an <c>activity</c> part and
    /// <c>file</c> parts. Each file is read up to the photo size limit and handed to the conversation, which keeps
    /// photos at the photos step (checked and without metadata) and otherwise says it has not kept them.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext context, string conversationId, DirectLineTokens tokens, PostRateLimiter limiter, WebChatConversations conversations, IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        if ((Authorize(context, tokens, conversationId, out var token) ?? TooMany(context, limiter, conversationId)) is { } refused)
        {
            return refused;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxUploadBytes;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", "Send an upload as multipart/form-data with an 'activity' part.");
        }

        byte[]? activityJson = null;
        var files = new List<byte[]?>();
        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = MaxUploadBytes };
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                var isActivity = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && HeaderUtilities.RemoveQuotes(disposition.Name).Equals("activity", StringComparison.Ordinal);
                if (isActivity && activityJson is null)
                {
                    activityJson = await ReadLimitedAsync(section.Body, null, DirectLineActivities.MaxActivityBytes, context.RequestAborted);
                    if (activityJson is null)
                    {
                        return TooLarge();
                    }
                }
                else if (isActivity || files.Count >= MaxUploadFiles)
                {
                    await section.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                }
                else
                {
                    // Past the limit the rest is read past, not kept: the patient is told the photo is too big.
                    var file = await ReadLimitedAsync(section.Body, null, (int)PhotoCheck.MaxBytes, context.RequestAborted);
                    if (file is null)
                    {
                        await section.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                    }

                    files.Add(file);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", $"The upload could not be read; it may be over {MaxUploadBytes / (1024 * 1024)} MB.");
        }

        if (activityJson is null)
        {
            return DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", "The upload has no 'activity' part.");
        }

        var activity = DirectLineActivities.TryRead(activityJson, out var problem);
        return activity is null
            ? DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", problem!)
            : await PostAsync(context, token, activity with { HasAttachments = true, Files = files }, conversations, lifetime, logs);
    }
}
