using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace PatientContact.EndToEnd.Tests.WebChat;

/// <summary>
/// Reads the QR code in a PNG (a screenshot of a page, or a served picture) with ZXing, as a phone's
/// camera would, so a test checks what the printed code opens rather than how it was made.
/// </summary>
public static class QrImages
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith(Signature);

    /// <summary>The text the QR code in the picture holds; fails when there is no readable code.</summary>
    public static string Read(byte[] png)
    {
        var (width, height, gray) = DecodeToGray(png);
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(gray, width, height, RGBLuminanceSource.BitmapFormat.Gray8)));
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        var result = new QRCodeReader().decode(bitmap, hints);
        return result?.Text ?? throw new InvalidOperationException($"No QR code could be read from the {width}x{height} picture.");
    }

    /// <summary>The picture's size and one grey byte a pixel. Takes what Chromium and QRCoder write: non-interlaced PNGs of any colour type.</summary>
    public static (int Width, int Height, byte[] Gray) DecodeToGray(byte[] png)
    {
        if (!IsPng(png))
        {
            throw new InvalidOperationException("Not a PNG: the signature is missing.");
        }

        int width = 0, height = 0, depth = 0, colour = 0;
        byte[] palette = [];
        using var compressed = new MemoryStream();
        for (var at = Signature.Length; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    depth = data[8];
                    colour = data[9];
                    if (data[12] != 0)
                    {
                        throw new NotSupportedException("Interlaced PNGs are not read here.");
                    }

                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
            }

            at += 12 + length;
        }

        var channels = colour switch { 0 or 3 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {colour}.") };
        var bitsPerPixel = channels * depth;
        var stride = (width * bitsPerPixel + 7) / 8;
        var step = Math.Max(1, bitsPerPixel / 8);
        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var gray = new byte[width * height];
        var previous = new byte[stride];
        var row = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var offset = y * (stride + 1);
            Unfilter(raw[offset], raw.AsSpan(offset + 1, stride), previous, row, step);
            for (var x = 0; x < width; x++)
            {
                gray[y * width + x] = GrayAt(row, x, depth, colour, channels, palette);
            }

            (previous, row) = (row, previous);
        }

        return (width, height, gray);
    }

    private static void Unfilter(byte filter, ReadOnlySpan<byte> line, byte[] above, byte[] row, int step)
    {
        for (var i = 0; i < line.Length; i++)
        {
            int left = i >= step ? row[i - step] : 0, up = above[i], upLeft = i >= step ? above[i - step] : 0;
            row[i] = (byte)(line[i] + filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new NotSupportedException($"PNG filter {filter}."),
            });
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte GrayAt(byte[] row, int x, int depth, int colour, int channels, byte[] palette)
    {
        int Sample(int channel)
        {
            if (depth < 8)
            {
                var bit = x * depth;
                var max = (1 << depth) - 1;
                return (row[bit / 8] >> (8 - depth - bit % 8)) & max;
            }

            // 16-bit samples: the high byte is enough for black and white.
            return row[(x * channels + channel) * (depth / 8)];
        }

        switch (colour)
        {
            case 0:
            case 4:
                return (byte)(depth < 8 ? Sample(0) * 255 / ((1 << depth) - 1) : Sample(0));
            case 3:
                var index = Sample(0) * 3;
                return (byte)((palette[index] + palette[index + 1] + palette[index + 2]) / 3);
            default:
                return (byte)((Sample(0) + Sample(1) + Sample(2)) / 3);
        }
    }
}
