using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace PatientContact.Tests.Support;

/// <summary>
/// Photos made for tests: a JPEG carrying EXIF with a GPS position and a comment (as a phone camera writes them),
/// a PNG with a text chunk, and readers that find those markers again in whatever the service stored.
/// </summary>
public static class TestImages
{
    /// <summary>The latitude written into <see cref="JpegWithGps"/>: 53 degrees 48 minutes north (Leeds).</summary>
    public const string GpsMarker = "GPS";

    public static byte[] Jpeg(int width = 640, int height = 480) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width = 320, int height = 240) => Encode(width, height, SKEncodedImageFormat.Png);

    /// <summary>A JPEG whose APP1 segment holds EXIF with camera make, a GPS position, and whose COM segment holds a comment.</summary>
    public static byte[] JpegWithGps(int width = 640, int height = 480)
    {
        var jpeg = Jpeg(width, height);
        var exif = ExifWithGps();
        var comment = Encoding.ASCII.GetBytes("Taken at 10 Acacia Avenue");
        using var output = new MemoryStream();
        output.Write(jpeg, 0, 2); // SOI
        Segment(output, 0xE1, [.. "Exif\0\0"u8.ToArray(), .. exif]);
        Segment(output, 0xFE, comment);
        output.Write(jpeg, 2, jpeg.Length - 2);
        return output.ToArray();
    }

    /// <summary>A PNG with a tEXt chunk ("Comment": a home address) before its image data.</summary>
    public static byte[] PngWithText()
    {
        var png = Png();
        var chunk = Chunk("tEXt", Encoding.Latin1.GetBytes("Comment\0Taken at 10 Acacia Avenue"));
        // After the signature (8) and IHDR (4 length + 4 type + 13 data + 4 CRC).
        const int afterHeader = 8 + 25;
        return [.. png[..afterHeader], .. chunk, .. png[afterHeader..]];
    }

    /// <summary>The JPEG segment markers of a file (0xE1 is APP1, where EXIF and XMP live; 0xFE a comment), up to the image data.</summary>
    public static IReadOnlyList<byte> JpegSegments(byte[] jpeg)
    {
        var markers = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        return markers;
    }

    /// <summary>The PNG chunk types of a file, in order.</summary>
    public static IReadOnlyList<string> PngChunks(byte[] png)
    {
        var types = new List<string>();
        var i = 8;
        while (i + 8 <= png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(i));
            types.Add(Encoding.ASCII.GetString(png, i + 4, 4));
            i += 12 + length;
        }

        return types;
    }

    /// <summary>True when the bytes hold an EXIF header or the ASCII text anywhere.</summary>
    public static bool Contains(byte[] file, string ascii) => file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(0xE8, 0xC4, 0xA0));
            using var paint = new SKPaint { Color = new SKColor(0xC0, 0x30, 0x30) };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 4f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    private static void Segment(Stream output, byte marker, byte[] payload)
    {
        output.WriteByte(0xFF);
        output.WriteByte(marker);
        var length = payload.Length + 2;
        output.WriteByte((byte)(length >> 8));
        output.WriteByte((byte)length);
        output.Write(payload);
    }

    /// <summary>Little-endian TIFF: IFD0 with Make and a GPS IFD pointer; the GPS IFD with latitude N 53/1 48/1 0/1.</summary>
    private static byte[] ExifWithGps()
    {
        var tiff = new byte[128];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        // IFD0 at 8: two entries.
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 2);
        Entry(tiff, 10, 0x010F, 2, 4, 0x00534F50); // Make "POS\0" inline
        Entry(tiff, 22, 0x8825, 4, 1, 40);          // GPS IFD at 40
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(34), 0);
        // GPS IFD at 40: two entries.
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(40), 2);
        Entry(tiff, 42, 0x0001, 2, 2, 'N');         // GPSLatitudeRef "N\0"
        Entry(tiff, 54, 0x0002, 5, 3, 72);          // GPSLatitude: 3 rationals at 72
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(66), 0);
        uint[] rationals = [53, 1, 48, 1, 0, 1];
        for (var r = 0; r < rationals.Length; r++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(72 + (r * 4)), rationals[r]);
        }

        Encoding.ASCII.GetBytes(GpsMarker).CopyTo(tiff, 100);
        return tiff;
    }

    private static void Entry(byte[] tiff, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), tag);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), type);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), count);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 8), value);
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        typeBytes.CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        var crc = Crc32([.. typeBytes, .. data]);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), crc);
        return chunk;
    }

    /// <summary>PNG's CRC-32 (ISO 3309), bit by bit: a test makes one chunk.</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
