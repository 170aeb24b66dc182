using System.Text.Encodings.Web;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.WebChat.Pages;

/// <summary>
/// What the poster and the letter paragraph tell patients about one service: its link, the numbers
/// they can text and the number they can call, written the way people read them. Nothing personal:
/// everything here comes from the service's rules.
/// </summary>
public sealed record PrintedContact(string ServiceId, string ServiceName, string Link, IReadOnlyList<SmsNumber> SmsNumbers, string Phone)
{
    /// <summary>Where to go instead, said the same way on the poster, the letter and the link page.</summary>
    public const string NotForEmergencies = "This is not for emergencies. In an emergency, call 999. If you need help now, call 111 or go to 111.nhs.uk.";

    public static PrintedContact For(ServiceDefinition service, string link)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(link);
        return new PrintedContact(
            service.Id,
            service.Name,
            link,
            [.. service.SmsNumbers.Select(n => new SmsNumber(n, PhoneParser.Display(n)))],
            service.PhoneNumber);
    }

    /// <summary>The SMS numbers as people read them: "07700 900001", or "07700 900001 or 07700 900004".</summary>
    public string SmsNumbersForPeople => Either(SmsNumbers.Select(n => n.ForPeople));

    /// <summary>The phone number for a <c>tel:</c> link: its digits (the rules allow only digits and spaces).</summary>
    public string PhoneHref => "tel:" + string.Concat(Phone.Where(char.IsAsciiDigit));

    /// <summary>
    /// The paragraph for letters, as plain text: how to contact the service online (the QR code printed
    /// beside it, or the link), by text and by phone, and where to go in an emergency.
    /// </summary>
    public string LetterParagraph
    {
        get
        {
            var otherWays = SmsNumbers.Count == 0
                ? $"You can also call us on {Phone}. "
                : $"You can also text us on {SmsNumbersForPeople}, or call us on {Phone}. ";
            return "If you need to contact us about something that is not urgent, you can send us a request online. "
                + $"Scan the QR code with your phone's camera, or go to {Link}. "
                + otherWays + NotForEmergencies;
        }
    }

    /// <summary>"a", "a or b", "a, b or c".</summary>
    public static string Either(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " or " + list[^1];
    }

    /// <summary>Text made safe to put in HTML, element content or attribute value.</summary>
    internal static string Html(string value) => HtmlEncoder.Default.Encode(value);
}

/// <summary>A number patients can text: E.164 for the <c>sms:</c> link, and as UK people read it.</summary>
public sealed record SmsNumber(string E164, string ForPeople)
{
    public string Href => "sms:" + E164;
}
