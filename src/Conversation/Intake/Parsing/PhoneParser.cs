using PatientContact.Inbox.Requests;
using PhoneNumbers;

namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>A UK phone number read with libphonenumber; <see cref="IsMobile"/> when a text can reach it.</summary>
public sealed record UkPhone(string E164, bool IsMobile);

/// <summary>UK phone numbers in the forms people type: 07700 900123, +44 7700 900123, 447700900123, landlines.</summary>
public static class PhoneParser
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static Parsed<UkPhone> Parse(string input)
    {
        var text = TextInput.Clean(input);
        if (text.Length is 0 or > 30)
        {
            return Parsed<UkPhone>.Fail("Please give a UK phone number, like 07700 900123.");
        }

        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '+' or '.'))
            {
                return Parsed<UkPhone>.Fail("A phone number can only have digits, spaces and a + sign. Please give it like 07700 900123.");
            }
        }

        // "447700900123": international form typed without the plus.
        if (!text.StartsWith('+') && text.StartsWith("44", StringComparison.Ordinal) && digits >= 12)
        {
            text = "+" + text;
        }
        else if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(text, "GB");
        }
        catch (NumberParseException)
        {
            return Parsed<UkPhone>.Fail("That doesn't look like a phone number. Please give a UK number, like 07700 900123.");
        }

        if (number.CountryCode != 44)
        {
            return Parsed<UkPhone>.Fail("We can only contact UK phone numbers (starting 0 or +44). Please give a UK number.");
        }

        if (UkPhoneNumbers.IsDramaMobile(number))
        {
            return Parsed<UkPhone>.Success(new UkPhone(Util.Format(number, PhoneNumberFormat.E164), IsMobile: true));
        }

        if (!Util.IsValidNumberForRegion(number, "GB"))
        {
            return Parsed<UkPhone>.Fail("That isn't a complete UK phone number. Please check it, like 07700 900123.");
        }

        var type = Util.GetNumberType(number);
        if (type is PhoneNumberType.PREMIUM_RATE or PhoneNumberType.SHARED_COST or PhoneNumberType.UAN or PhoneNumberType.VOICEMAIL or PhoneNumberType.PAGER)
        {
            return Parsed<UkPhone>.Fail("Please give a personal phone number we can call or text, not a premium, shared-cost or pager number.");
        }

        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        var mobile = type is PhoneNumberType.MOBILE && UkPhoneNumbers.IsMobile(e164);
        return Parsed<UkPhone>.Success(new UkPhone(e164, mobile));
    }

    /// <summary>The number written the way UK patients read it: "07700 900123".</summary>
    public static string Display(string e164) => UkPhoneNumbers.Display(e164);
}
