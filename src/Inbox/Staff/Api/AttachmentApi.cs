using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>
/// <c>GET /api/inbox/requests/{referenceId}/attachments/{id}</c>: a photo on a request, for staff of its service only
/// (any other request, or a photo not on this request, is 404), audited on every view. It is served as an image that
/// can run nothing: <c>Content-Disposition</c> with a name of our own, <c>X-Content-Type-Options: nosniff</c>, and a
/// Content-Security-Policy that allows no script, style, frame or plugin.
/// </summary>
public static class AttachmentApi
{
    /// <summary>The CSP of a served photo: nothing may run or load from it.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'";

    public static void MapAttachments(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/requests/{referenceId}/attachments/{id}", GetAsync).Produces(StatusCodes.Status200OK, contentType: "image/jpeg", additionalContentTypes: ["image/png"]);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetAsync(
        string referenceId, string id, HttpContext context, RequestAccess access, IAttachmentStore attachments, StaffAudit audit, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        var listed = request?.Attachments.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.Ordinal));
        if (request is null || listed is null)
        {
            return TypedResults.NotFound();
        }

        var stored = await attachments.GetAsync(listed.Id, cancellationToken);
        if (stored is null || !string.Equals(stored.Info.ServiceId, request.ServiceId, StringComparison.Ordinal))
        {
            return TypedResults.NotFound();
        }

        var view = context.Request.Query["view"] == "thumbnail" ? "thumbnail" : "full";
        await audit.WriteAsync(staff.Email, AuditActions.AttachmentViewed, request.ServiceId, request.ReferenceId, $"{listed.Id} {view}", cancellationToken);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        var index = request.Attachments.ToList().FindIndex(a => a.Id == listed.Id) + 1;
        if (view == "thumbnail")
        {
            // The page's small copy: a JPEG at most 240 pixels on its longest side, made from the clean stored photo.
            var thumbnail = PhotoCheck.Thumbnail(new CleanPhoto(stored.Content, stored.Info.ContentType, listed.Width, listed.Height, string.Empty));
            headers.ContentDisposition = $"inline; filename=\"{request.ReferenceId}-photo-{index}-thumbnail.jpg\"";
            return TypedResults.File(thumbnail, "image/jpeg");
        }

        var extension = stored.Info.ContentType == "image/png" ? "png" : "jpg";
        headers.ContentDisposition = $"inline; filename=\"{request.ReferenceId}-photo-{index}.{extension}\"";
        return TypedResults.File(stored.Content, stored.Info.ContentType);
    }
}
