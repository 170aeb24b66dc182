using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Safety;

/// <summary>
/// The red-flag check every piece of free text a patient sends goes through (SPEC section 9): the first
/// text, every answer whether valid or not, and replies after submission. The engine calls it on every
/// turn; anything else that reads a patient's words (a reply to a staff text) calls it the same way and
/// shows <see cref="AdviceNow"/> ahead of its own reply.
/// </summary>
public static class RedFlagScreening
{
    /// <summary>What the at-once advice may take on SMS, leaving room in 3 segments for the step's own question.</summary>
    public const int SmsAdviceBudget = 300;

    /// <summary>What advice may take in web chat or the terminal: enough for several rules, short enough to read.</summary>
    public const int OnlineAdviceBudget = 700;

    /// <summary>The red-flag rules the text matches, most serious first; empty for no text.</summary>
    public static async ValueTask<IReadOnlyList<RedFlagMatch>> ScreenAsync(IRuleBook rules, ServiceDefinition service, string? text)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(service);
        var clean = TextInput.Clean(text);
        if (clean.Length == 0)
        {
            return [];
        }

        if (clean.Length > TextInput.MaxInputLength)
        {
            clean = clean[..TextInput.MaxInputLength];
        }

        return RedFlagAdvice.InOrder(await rules.FindRedFlagsAsync(service, clean).ConfigureAwait(false));
    }

    /// <summary>The advice to show at once, ahead of whatever else is said; empty when nothing matched.</summary>
    public static string AdviceNow(IReadOnlyList<RedFlagMatch> flags, ServiceDefinition service, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var budget = channel == Channel.Sms ? SmsAdviceBudget : OnlineAdviceBudget;
        return flags.Count == 0
            ? string.Empty
            : RedFlagAdvice.Compose(flags, service, text => SmsText.WithAsciiPunctuation(text).Length <= budget, doNotWait: false);
    }
}
