using PatientContact.Conversation.Intake.Parsing;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>What a whole text means when it is one of the carrier keywords.</summary>
public enum SmsKeyword { None, OptOut, OptIn, OptInWhenOptedOut }

/// <summary>
/// Twilio's standard opt-out and opt-in keywords, matched on the whole text in any case, ignoring
/// punctuation and spaces around it ("Stop.", " stop "), as Twilio itself matches them.
/// </summary>
public static class SmsKeywords
{
    private static readonly HashSet<string> OptOutWords = new(StringComparer.Ordinal)
    {
        "stop", "stopall", "unsubscribe", "cancel", "end", "quit",
    };

    private static readonly HashSet<string> OptInWords = new(StringComparer.Ordinal) { "start", "unstop" };

    public static SmsKeyword Classify(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return SmsKeyword.None;
        }

        var folded = TextInput.Fold(TextInput.Clean(body));
        if (OptOutWords.Contains(folded))
        {
            return SmsKeyword.OptOut;
        }

        if (OptInWords.Contains(folded))
        {
            return SmsKeyword.OptIn;
        }

        // "yes" answers questions too; it only opts back in a number that has opted out.
        return folded == "yes" ? SmsKeyword.OptInWhenOptedOut : SmsKeyword.None;
    }
}
