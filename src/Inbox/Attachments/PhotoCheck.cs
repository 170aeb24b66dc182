using System.Security.Cryptography;
using SkiaSharp;

namespace PatientContact.Inbox.Attachments;

/// <summary>A photo that passed the checks: re-encoded without metadata, ready to store.</summary>
/// <param name="Content">The re-encoded image (no EXIF, GPS, XMP or comments: Skia writes none).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of <paramref name="Content"/>, kept with it so a damaged copy shows.</param>
public sealed record CleanPhoto(byte[] Content, string ContentType, int Width, int Height, string Sha256);

/// <summary>What the checks made of one file: a clean photo, or the reason in words a patient understands.</summary>
public sealed record PhotoCheckResult(CleanPhoto? Photo, string? Refusal)
{
    public bool Accepted => Photo is not null;

    public static PhotoCheckResult Refused(string reason) => new(null, reason);
}

/// <summary>
/// The checks every photo passes before it is kept, whatever channel it came by: the type judged from the bytes
/// (JPEG or PNG only, so a renamed file, an SVG, a PDF or an HTML page is refused), the size, a decode of the whole
/// image (a broken or cut-off file is refused), the dimensions (a huge image is refused before it is decoded, a
/// large one reduced), and a re-encode, which leaves every piece of metadata behind.
/// </summary>
public static class PhotoCheck
{
    /// <summary>The most photos one request takes.</summary>
    public const int MaxPhotos = 5;

    /// <summary>The largest file taken, in bytes (10 MB).</summary>
    public const long MaxBytes = 10L * 1024 * 1024;

    /// <summary>More pixels than this (about 50 megapixels) is refused without decoding: no phone camera makes such a photo.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>A longer side than this is reduced to it: plenty for staff to see a rash or read a letter.</summary>
    public const int MaxSide = 3000;

    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    public const string TooBig = "That photo is too big. Please send photos of up to 10 MB each.";
    public const string NotAPhoto = "That file is not a photo we can take. Please send a JPEG or PNG photo, such as one taken with your phone's camera.";
    public const string Broken = "That photo could not be opened: the file may be damaged or only partly sent. Please try taking or sending it again.";
    public const string TooManyPixels = "That picture is far too large to open. Please send an ordinary photo from your phone's camera.";
    public const string Empty = "That file was empty. Please try sending the photo again.";

    public static string TooMany => $"You have already added {MaxPhotos} photos, the most we can take. Type done to carry on.";

    /// <summary>Checks one file; never throws for bad input.</summary>
    public static PhotoCheckResult Inspect(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0)
        {
            return PhotoCheckResult.Refused(Empty);
        }

        if (file.Length > MaxBytes)
        {
            return PhotoCheckResult.Refused(TooBig);
        }

        var type = Sniff(file);
        if (type is null)
        {
            return PhotoCheckResult.Refused(NotAPhoto);
        }

        try
        {
            return Reencode(file, type);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return PhotoCheckResult.Refused(Broken);
        }
    }

    /// <summary>
    /// A small JPEG of a checked photo (longest side <paramref name="maxSide"/>, on white where the photo is transparent),
    /// for the patient's own view of what they sent: made from the clean copy, so it carries no metadata either.
    /// </summary>
    public static byte[] Thumbnail(CleanPhoto photo, int maxSide = 240)
    {
        ArgumentNullException.ThrowIfNull(photo);
        using var source = SKBitmap.Decode(photo.Content) ?? throw new InvalidOperationException("A checked photo could not be decoded.");
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(source.Width, source.Height));
        var (w, h) = (Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
        using var target = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.White);
            using var image = SKImage.FromBitmap(source);
            canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        using var small = SKImage.FromBitmap(target);
        using var encoded = small.Encode(SKEncodedImageFormat.Jpeg, 75);
        return encoded.ToArray();
    }

    /// <summary>The image type from the file's first bytes (its signature), never from its name or a declared type.</summary>
    public static string? Sniff(ReadOnlySpan<byte> file)
    {
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (file.StartsWith(png))
        {
            return Png;
        }

        return file.Length >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF ? Jpeg : null;
    }

    private static PhotoCheckResult Reencode(ReadOnlySpan<byte> file, string type)
    {
        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data);
        var expected = type == Jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
        if (codec is null || codec.EncodedFormat != expected)
        {
            return PhotoCheckResult.Refused(Broken);
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return PhotoCheckResult.Refused(Broken);
        }

        if ((long)info.Width * info.Height > MaxPixels)
        {
            return PhotoCheckResult.Refused(TooManyPixels);
        }

        using var decoded = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            // IncompleteInput (a cut-off file) included: staff would see a half-grey picture.
            return PhotoCheckResult.Refused(Broken);
        }

        using var upright = Orient(decoded, codec.EncodedOrigin);
        using var sized = Reduce(upright);
        using var image = SKImage.FromBitmap(sized);
        using var encoded = type == Jpeg ? image.Encode(SKEncodedImageFormat.Jpeg, 90) : image.Encode(SKEncodedImageFormat.Png, 100);
        if (encoded is null)
        {
            return PhotoCheckResult.Refused(Broken);
        }

        var bytes = encoded.ToArray();
        return new PhotoCheckResult(new CleanPhoto(bytes, type, sized.Width, sized.Height, Convert.ToHexStringLower(SHA256.HashData(bytes))), null);
    }

    /// <summary>
    /// Turns the pixels the way the camera's orientation tag says, because the tag goes with the rest of the
    /// metadata: without this a phone photo taken upright would reach staff on its side.
    /// </summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return source.Copy();
        }

        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swaps ? (source.Height, source.Width) : (source.Width, source.Height);
        var target = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(target);
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        canvas.SetMatrix(matrix);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        canvas.Flush();
        return target;
    }

    private static SKBitmap Reduce(SKBitmap source)
    {
        var longest = Math.Max(source.Width, source.Height);
        if (longest <= MaxSide)
        {
            return source.Copy();
        }

        var scale = (double)MaxSide / longest;
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)), source.ColorType, source.AlphaType);
        return source.Resize(info, new SKSamplingOptions(SKCubicResampler.Mitchell)) ?? throw new InvalidOperationException("The photo could not be reduced.");
    }
}
