using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace PatientContact.Inbox.Attachments;

/// <summary>One file of a photo form: its name as the browser gave it (to name it in a refusal) and its bytes, null past <see cref="PhotoCheck.MaxBytes"/>.</summary>
public sealed record PostedFile(string Name, byte[]? Content)
{
    /// <summary>The checks' verdict; a refusal starts with the file's name, so the patient knows which one.</summary>
    public PhotoCheckResult Check()
    {
        var result = Content is null ? PhotoCheckResult.Refused(PhotoCheck.TooBig) : PhotoCheck.Inspect(Content);
        return result.Accepted ? result : PhotoCheckResult.Refused($"{Name}: {result.Refusal}");
    }
}

/// <summary>
/// The photos page of the form and of staff entry: a multipart form with the anti-forgery token, a few small fields
/// and up to <see cref="PhotoCheck.MaxPhotos"/> files. It is read as a stream here, never with the framework's form
/// reader: small fields are kept (and then checked by anti-forgery as any form is), each file is read into memory up
/// to the photo size limit and the rest of an oversized one is read past, files beyond one more than the most a
/// request takes are read past too, and nothing is written to disk.
/// </summary>
public static class PhotoForm
{
    /// <summary>The file input's name.</summary>
    public const string Field = "photos";

    /// <summary>The largest body read: as many photos as a request takes at their largest, one more, and the fields.</summary>
    public const long MaxBytes = (PhotoCheck.MaxPhotos + 1) * PhotoCheck.MaxBytes + FieldsBytes;

    /// <summary>What a photos page says when more was sent than it takes.</summary>
    public const string TooLarge = "What was sent is more than this page takes. Go back and add up to 5 photos of up to 10 MB each.";

    /// <summary>Endpoint metadata: this address takes a photo form (the staff pages' form check reads it this way).</summary>
    public static readonly object Endpoint = new PhotoFormEndpoint();

    private const int FieldsBytes = 64 * 1024;
    private const int MaxFieldBytes = 4 * 1024;
    private const int MaxFields = 16;
    private const int MaxFiles = PhotoCheck.MaxPhotos + 1;
    private const int MaxNameLength = 80;
    private static readonly object FilesKey = new();

    /// <summary>
    /// Reads the body: its small fields become the request's form (for anti-forgery and the page's fields), its files
    /// are kept for <see cref="Files"/>. Throws <see cref="InvalidDataException"/> for a body that is not such a form,
    /// and the server's <see cref="BadHttpRequestException"/> (413) for one over <see cref="MaxBytes"/>.
    /// </summary>
    public static async Task ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.RequestAborted;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBytes;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw new InvalidDataException("Not a multipart form.");
        }

        try
        {
            await ReadPartsAsync(context, boundary, ct);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException)
        {
            // A body cut short: as unreadable as a malformed one.
            throw new InvalidDataException("The form ended early.", ex);
        }
    }

    private static async Task ReadPartsAsync(HttpContext context, string boundary, CancellationToken ct)
    {
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        var files = new List<PostedFile>();
        var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = MaxBytes };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !(disposition.IsFileDisposition() || disposition.IsFormDisposition()))
            {
                await section.Body.CopyToAsync(Stream.Null, ct);
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
            if (disposition.IsFileDisposition())
            {
                var fileName = FileName(disposition);
                if (name != Field || files.Count >= MaxFiles)
                {
                    await section.Body.CopyToAsync(Stream.Null, ct);
                    continue;
                }

                var content = await LimitedRead.ReadAsync(section.Body, (int)PhotoCheck.MaxBytes, ct);
                if (content is null)
                {
                    await section.Body.CopyToAsync(Stream.Null, ct);
                }

                // A file input with nothing chosen still sends a part: no name and no bytes.
                if (fileName.Length > 0 || content is not { Length: 0 })
                {
                    files.Add(new PostedFile(fileName.Length > 0 ? fileName : "A file", content));
                }

                continue;
            }

            var value = await LimitedRead.ReadAsync(section.Body, MaxFieldBytes, ct);
            if (value is null || fields.Count >= MaxFields)
            {
                throw new InvalidDataException("A field is too long, or there are too many.");
            }

            fields[name] = StringValues.Concat(fields.GetValueOrDefault(name), System.Text.Encoding.UTF8.GetString(value));
        }

        context.Features.Set<IFormFeature>(new FormFeature(new FormCollection(fields)));
        context.Items[FilesKey] = files;
    }

    /// <summary>The files <see cref="ReadAsync"/> kept, in the order sent; none when it has not run.</summary>
    public static IReadOnlyList<PostedFile> Files(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(FilesKey, out var files) && files is IReadOnlyList<PostedFile> list ? list : [];
    }

    /// <summary>True for an address marked with <see cref="Endpoint"/>.</summary>
    public static bool Takes(HttpContext context) =>
        context?.GetEndpoint()?.Metadata.Contains(Endpoint) == true;

    /// <summary>The name without any folder, cut short: it is only shown back, encoded, beside its refusal.</summary>
    private static string FileName(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value is { Length: > 0 } star ? star : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty;
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        return name.Length > MaxNameLength ? name[..MaxNameLength] + "…" : name;
    }

    private sealed class PhotoFormEndpoint;
}
