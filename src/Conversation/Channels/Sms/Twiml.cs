using System.Text;
using System.Xml;
using System.Xml.Linq;
using Twilio.TwiML;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// TwiML for a messaging webhook's answer, built with Twilio's own <see cref="MessagingResponse"/>:
/// one <c>&lt;Message&gt;</c>, or an empty <c>&lt;Response/&gt;</c> that sends nothing.
/// </summary>
public static class Twiml
{
    public const string ContentType = "application/xml; charset=utf-8";

    /// <summary>The TwiML document (UTF-8); null or empty <paramref name="message"/> gives an empty response.</summary>
    public static byte[] Render(string? message)
    {
        var response = new MessagingResponse();
        if (!string.IsNullOrEmpty(message))
        {
            response.Message(XmlSafe(message));
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(response.ToString(SaveOptions.DisableFormatting));
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
