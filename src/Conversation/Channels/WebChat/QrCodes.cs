using System.Security;
using QRCoder;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>The patient link as a QR code, for posters and letters.</summary>
public static class QrCodes
{
    /// <summary>An SVG that scales to any size (viewBox), with a title naming the link it holds.</summary>
    public static string Svg(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(8, "#000000", "#FFFFFF", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
        var open = svg.IndexOf("<svg", StringComparison.Ordinal);
        var end = svg.IndexOf('>', open);
        return svg[open..end] + " role=\"img\"><title>" + SecurityElement.Escape("QR code for " + url) + "</title>" + svg[(end + 1)..];
    }

    /// <summary>
    /// A black-and-white PNG with the quiet zone, 20 pixels a module, for word processors that take no
    /// SVG: sharp when a letter prints it 3 to 5 cm wide. QRCoder writes the PNG itself (no System.Drawing).
    /// </summary>
    public static byte[] Png(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(20, drawQuietZones: true);
    }
}
