using System.Text;
using System.Xml;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>TwiML for a messaging webhook's answer: one <c>&lt;Message&gt;</c>, or an empty <c>&lt;Response/&gt;</c> that sends nothing.</summary>
public static class Twiml
{
    public const string ContentType = "application/xml; charset=utf-8";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        NewLineHandling = NewLineHandling.None,
    };

    /// <summary>The TwiML document; null or empty <paramref name="message"/> gives an empty response.</summary>
    public static byte[] Render(string? message)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Response");
            if (!string.IsNullOrEmpty(message))
            {
                writer.WriteElementString("Message", XmlSafe(message));
            }

            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }

    // Characters XML 1.0 cannot carry (most control characters, a surrogate without its pair) are
    // left out rather than failing the reply.
    private static string XmlSafe(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
        }

        return builder.ToString();
    }
}
