using System.Text;
using PatientContact.Inbox.Attachments;
using PatientContact.Tests.Support;
using SkiaSharp;

namespace PatientContact.Inbox.Tests.Attachments;

public sealed class PhotoCheckTests
{
    [Fact]
    public void Jpeg_with_gps_is_kept_without_exif_gps_or_comment()
    {
        var original = TestImages.JpegWithGps();
        TestImages.JpegSegments(original).ShouldContain((byte)0xE1);
        TestImages.Contains(original, "Exif").ShouldBeTrue();

        var result = PhotoCheck.Inspect(original);

        result.Refusal.ShouldBeNull();
        var photo = result.Photo!;
        photo.ContentType.ShouldBe("image/jpeg");
        (photo.Width, photo.Height).ShouldBe((640, 480));
        TestImages.JpegSegments(photo.Content).ShouldNotContain((byte)0xE1);
        TestImages.JpegSegments(photo.Content).ShouldNotContain((byte)0xFE);
        TestImages.Contains(photo.Content, "Exif").ShouldBeFalse();
        TestImages.Contains(photo.Content, TestImages.GpsMarker).ShouldBeFalse();
        TestImages.Contains(photo.Content, "Acacia").ShouldBeFalse();
        using var decoded = SKBitmap.Decode(photo.Content);
        decoded.Width.ShouldBe(640);
    }

    [Fact]
    public void Png_is_kept_as_png_without_its_text_chunk()
    {
        var original = TestImages.PngWithText();
        TestImages.PngChunks(original).ShouldContain("tEXt");

        var photo = PhotoCheck.Inspect(original).Photo!;

        photo.ContentType.ShouldBe("image/png");
        TestImages.PngChunks(photo.Content).ShouldNotContain("tEXt");
        TestImages.Contains(photo.Content, "Acacia").ShouldBeFalse();
        (photo.Width, photo.Height).ShouldBe((320, 240));
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj")]
    [InlineData("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")]
    [InlineData("GIF89a\u0001\u0000\u0001\u0000")]
    public void File_that_is_not_jpeg_or_png_is_refused_whatever_it_claims(string content)
    {
        var result = PhotoCheck.Inspect(Encoding.UTF8.GetBytes(content));

        result.Accepted.ShouldBeFalse();
        result.Refusal.ShouldBe(PhotoCheck.NotAPhoto);
    }

    [Fact]
    public void Jpeg_cut_off_part_way_is_refused_as_broken()
    {
        var jpeg = TestImages.Jpeg(1200, 900);

        var result = PhotoCheck.Inspect(jpeg.AsSpan(0, jpeg.Length / 2));

        result.Refusal.ShouldBe(PhotoCheck.Broken);
    }

    [Fact]
    public void Png_signature_on_garbage_is_refused_as_broken()
    {
        byte[] file = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes("not really a png at all, just words")];

        PhotoCheck.Inspect(file).Refusal.ShouldBe(PhotoCheck.Broken);
    }

    [Fact]
    public void File_over_10_mb_is_refused_before_anything_else()
    {
        var file = new byte[(10 * 1024 * 1024) + 1];
        TestImages.Jpeg().CopyTo(file, 0);

        PhotoCheck.Inspect(file).Refusal.ShouldBe(PhotoCheck.TooBig);
    }

    [Fact]
    public void Image_declaring_huge_dimensions_is_refused_without_decoding()
    {
        // A valid PNG header that says 20000 x 20000 (400 megapixels), with almost no data: a decompression bomb's shape.
        var png = TestImages.Png(1, 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 20000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 20000);
        FixIhdrCrc(png);

        PhotoCheck.Inspect(png).Refusal.ShouldBe(PhotoCheck.TooManyPixels);
    }

    [Fact]
    public void Large_photo_is_reduced_to_3000_on_its_longer_side()
    {
        var photo = PhotoCheck.Inspect(TestImages.Jpeg(4000, 3000)).Photo!;

        (photo.Width, photo.Height).ShouldBe((3000, 2250));
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        PhotoCheck.Inspect([]).Refusal.ShouldBe(PhotoCheck.Empty);
    }

    private static void FixIhdrCrc(byte[] png)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in png.AsSpan(12, 17))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), ~crc);
    }
}
