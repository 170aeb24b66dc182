using System.Globalization;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Where the conversation words things differently by SMS, whose messages are counted in segments: the texts the
/// service sends on its own (codes, confirmations), and the questions shortened to fit. Other channels get the
/// wording as it is.
/// </summary>
public static class SmsWording
{
    /// <summary>How much of earlier details an SMS shows when the details question is asked again.</summary>
    private const int PreviousDetailsShown = 150;

    /// <summary>The most segments the red-flag step's advice and choices may take by SMS.</summary>
    private const int RedFlagSegments = 3;

    /// <summary>Earlier details as the details question shows them again: by SMS, the first 150 characters.</summary>
    public static string PreviousDetails(Channel channel, string previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return channel == Channel.Sms && new StringInfo(previous).LengthInTextElements > PreviousDetailsShown
            ? new StringInfo(previous).SubstringByTextElements(0, PreviousDetailsShown).TrimEnd() + "..."
            : previous;
    }

    /// <summary>Whether the red-flag advice fits: by SMS within 3 segments with its choices, online within its budget.</summary>
    public static Func<string, bool> RedFlagFits(Channel channel, string choices) => channel == Channel.Sms
        ? text => SmsText.CountSegments(SmsText.WithAsciiPunctuation(text + choices)) <= RedFlagSegments
        : text => text.Length <= RedFlagScreening.OnlineAdviceBudget;

    /// <summary>The question again after another message. By SMS the review is asked in short, so the message before it still fits.</summary>
    public static BotReply AskAgain(IntakeSession session, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Step == Step.Review && session.Channel == Channel.Sms
            ? ReviewText.AskInShort()
            : Questions.Ask(session.Step, session, service);
    }

    /// <summary>The one-time code text.</summary>
    public static string CodeText(string code, ServiceDefinition service, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"{code} is your code for {service.Name}. It expires in {lifetime.TotalMinutes:0} minutes. Do not share it with anyone.";
    }

    /// <summary>The confirmation text sent to the patient's mobile after submitting, with the same safety wording as the screen.</summary>
    public static string ConfirmationText(IntakeSession session, ServiceDefinition service, string referenceId)
    {
        ArgumentNullException.ThrowIfNull(service);
        return Confirmation.Wrap($"{service.Name}: we have your request, reference {referenceId}. We'll reply {service.ResponsePromise}.", session, service);
    }

    /// <summary>
    /// Whether the confirmation is texted: to a mobile, from a service with an SMS number, unless the conversation
    /// is an SMS from that very mobile (which has the confirmation already as the reply).
    /// </summary>
    public static bool SendsConfirmation(IntakeSession session, TurnInput input)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(input);
        var textedAlready = input.Channel == Channel.Sms && session.Answers.Phone == input.SenderPhone;
        return session.Answers.PhoneIsMobile && !textedAlready;
    }
}
