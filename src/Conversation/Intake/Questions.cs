using System.Globalization;
using System.Text;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>What the service says at each step, in plain words for someone who may be unwell.</summary>
public static class Questions
{
    private const int SmsDetailsPreview = 60;

    public static string Welcome(ServiceDefinition service) =>
        $"Welcome to {service.Name}. You can use this to send us a request that is not urgent. It takes about 5 minutes.";

    public static string Help(ServiceDefinition service) =>
        $"Answer each question, or choose a number from the list. Type back to go to the last question, restart to start again. To speak to someone, call {service.PhoneNumber}. {SafetyWording.UrgentHelp(service)}";

    public static string ExpiredNotice(TimeSpan idle) =>
        $"Your earlier answers were deleted because there was no reply for {Minutes(idle)}. Let's start again.";

    public static string Strikes(ServiceDefinition service) =>
        $"If you're finding this difficult, you can call us on {service.PhoneNumber}.";

    public const string FirstQuestion = "This is the first question.";

    public const string NotChanged = "Nothing has been sent yet.";

    /// <summary>The question for a step, with its choices; the last message of a turn.</summary>
    public static BotReply Ask(Step step, IntakeSession session, ServiceDefinition service, Availability? availability = null)
    {
        var a = session.Answers;
        var self = a.Proxy != SubmitterKind.Proxy;
        return step switch
        {
            Step.Closed => BotReply.Say(Closed(service, availability), step),
            Step.Emergency => new BotReply(SafetyWording.EmergencyQuestion(service), step, Choices.Emergency.Choices),
            Step.EmergencyAdvice => BotReply.Say(SafetyWording.EmergencyAdvice(service), step),
            Step.RequestType => new BotReply("What is your request about?", step, [.. session.OfferedTypes.Select((t, i) => new Choice((i + 1).ToString(CultureInfo.InvariantCulture), t.Label))]),
            Step.Advice => BotReply.Say(Advice(session, service), step),
            Step.Details => BotReply.Say(self
                ? "Tell us about your request: what it is about, and how long it has been going on. You can write up to 1,000 characters."
                : "Tell us about the request for the person you're helping: what it is about, and how long it has been going on. You can write up to 1,000 characters.", step),
            Step.RedFlag => new BotReply(RedFlag(session, service), step, Choices.RedFlag.Choices),
            Step.Proxy => new BotReply("Who is this request for?", step, Choices.Proxy.Choices),
            Step.ProxyName => BotReply.Say("What is your full name? (You, the person sending this.)", step),
            Step.ProxyRelationship => new BotReply("What is your relationship to the patient?", step, Choices.Relationship.Choices),
            Step.FollowUpDateOfBirth => BotReply.Say(self
                ? $"{service.Name} sent you this link, so we may already have some of your details. To check it's you, what is your date of birth? For example, 21/03/1980."
                : $"{service.Name} sent this link to the patient, so we may already have some of their details. To check, what is the patient's date of birth? For example, 21/03/1980.", step),
            Step.FollowUpDetails => new BotReply(FollowUpDetails(session), step, Choices.FollowUpDetails.Choices),
            Step.FirstName => BotReply.Say(self ? "What is your first name?" : "What is the patient's first name?", step),
            Step.LastName => BotReply.Say(self ? "What is your last name?" : "What is the patient's last name?", step),
            Step.DateOfBirth => BotReply.Say(self ? "What is your date of birth? For example, 21/03/1980." : "What is the patient's date of birth? For example, 21/03/1980.", step),
            Step.Gender => new BotReply(self ? "What is your gender?" : "What is the patient's gender?", step, Choices.Gender.Choices),
            Step.Postcode => BotReply.Say(self ? "What is your postcode?" : "What is the patient's postcode?", step),
            Step.Phone => BotReply.Say("What UK phone number should we use to contact you about this request?", step),
            Step.MobileAccess => new BotReply($"Do you have the phone {PhoneParser.Display(a.Phone!)} with you now? We'll text it a code to check it's yours.", step, Choices.MobileAccess.Choices),
            Step.Otp => BotReply.Say($"We've texted a 6-digit code to {PhoneParser.Display(a.Phone!)}. Type the code here. If it hasn't arrived, type resend.", step),
            Step.ContactPreference => new BotReply("How should we reply to you?", step, Choices.ContactPreference.Choices),
            Step.Review => new BotReply(Review(session, service), step, Choices.Review.Choices),
            Step.Change => new BotReply("Which answer do you want to change?", step, Choices.Change.Choices),
            Step.Submitted => BotReply.Say(Submitted(session, service), step),
            Step.LinkEnded => BotReply.Say(LinkEnded(service, null), step),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "No question for this step."),
        };
    }

    /// <summary>
    /// What a personal follow-up link says once it has ended: why, and the ways that still work (the service's
    /// general link, when its address is known, and its phone number).
    /// </summary>
    public static string LinkEnded(ServiceDefinition service, string? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(service);
        var general = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? "You can still send us a request from our usual link"
            : $"You can still send us a request at {publicBaseUrl.TrimEnd('/')}/c/{Uri.EscapeDataString(service.Id)}";
        return $"This follow-up link has ended: the follow-up period is over, so nothing can be sent from it. {general}, or call us on {service.PhoneNumber}. {SafetyWording.UrgentHelp(service)}";
    }

    private static string FollowUpDetails(IntakeSession session)
    {
        var offered = session.FollowUp!;
        var who = session.Answers.Proxy == SubmitterKind.Proxy ? "the patient" : "you";
        return $"Thank you. These are the details we have for {who}:\n"
            + $"Name: {offered.OfferedFirstName} {offered.OfferedLastName}\n"
            + $"Born: {session.Answers.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}\n"
            + $"Mobile: {(offered.OfferedPhone is null ? string.Empty : PhoneParser.Display(offered.OfferedPhone))}\n"
            + "Are they right?";
    }

    private static string Closed(ServiceDefinition service, Availability? availability)
    {
        // The rules word when the service reopens and how to reach it meanwhile; where to get help now is
        // worded here for the service's type, after it (a sentence the rule already says is not said twice).
        var urgent = SafetyWording.UrgentHelp(service);
        if (availability?.Message is { Length: > 0 } message)
        {
            return $"{message} {RedFlagAdvice.Without(urgent, [message])}".TrimEnd();
        }

        var reopens = availability?.ReopensAt is { } at ? $" We open again {LocalTime.Describe(at)}." : string.Empty;
        return $"{service.Name} is not taking requests here right now.{reopens} Meanwhile you can call us on {service.PhoneNumber}. {urgent}";
    }

    private static string Advice(IntakeSession session, ServiceDefinition service)
    {
        var chosen = session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId);
        return $"You can get advice straight away at {chosen?.AdviceUrl ?? "https://www.nhs.uk"}. If you still need us afterwards, send us a request here at any time. {SafetyWording.UrgentHelp(service)}";
    }

    /// <summary>What the red-flag step says after the advice.</summary>
    public const string RedFlagCarryOn = "If you have already had help, or this is not urgent, you can carry on.";

    /// <summary>The red-flag step: the advice of every rule matched, said once, and on SMS within 3 segments with its choices.</summary>
    private static string RedFlag(IntakeSession session, ServiceDefinition service)
    {
        var flags = RedFlagAdvice.InOrder(session.Answers.RedFlags);
        var choices = string.Concat(Choices.RedFlag.Choices.Select(c => $"\n{c.Value}. {c.Label}"));
        Func<string, bool> fits = session.Channel == Channel.Sms
            ? text => SmsText.CountSegments(SmsText.WithAsciiPunctuation(text + choices)) <= 3
            : text => text.Length <= RedFlagScreening.OnlineAdviceBudget;
        return RedFlagAdvice.Compose(flags, service, fits, RedFlagCarryOn);
    }

    public static string Review(IntakeSession session, ServiceDefinition service)
    {
        var a = session.Answers;
        var details = a.Details ?? string.Empty;
        if (session.Channel == Channel.Sms && details.Length > SmsDetailsPreview)
        {
            // Cut between whole characters as people see them, never inside an emoji or an accent.
            var keep = new StringInfo(details).SubstringByTextElements(0, Math.Min(SmsDetailsPreview, new StringInfo(details).LengthInTextElements));
            details = keep.TrimEnd() + "...";
        }

        var text = new StringBuilder("Please check your answers.\n");
        text.Append(CultureInfo.InvariantCulture, $"Request: {a.RequestTypeLabel}\n");
        text.Append(CultureInfo.InvariantCulture, $"Details: {details}\n");
        text.Append(a.Proxy == SubmitterKind.Proxy
            ? $"For: someone else (sent by {a.ProxyName}, {a.ProxyRelationship})\n"
            : "For: myself\n");
        text.Append(CultureInfo.InvariantCulture, $"Name: {a.FirstName} {a.LastName}\n");
        text.Append(CultureInfo.InvariantCulture, $"Born: {a.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Gender: {a.Gender?.Label()}\n");
        text.Append(CultureInfo.InvariantCulture, $"Postcode: {a.Postcode}\n");
        text.Append(CultureInfo.InvariantCulture, $"Phone: {(a.Phone is null ? string.Empty : PhoneParser.Display(a.Phone))}\n");
        text.Append(CultureInfo.InvariantCulture, $"Reply by: {a.ContactPreference?.Label()}");
        if (session.Channel != Channel.Sms)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThis goes to {service.Name}.");
        }

        return text.ToString();
    }

    private static string Submitted(IntakeSession session, ServiceDefinition service)
    {
        var how = session.Answers.ContactPreference == ContactPreference.Text ? "text you" : "call you";
        var thanks = $"Thank you. Your request has been sent to {service.Name}. Your reference is {session.ReferenceId}. "
            + $"We'll {how} on {PhoneParser.Display(session.Answers.Phone!)} {service.ResponsePromise}.";
        return Safety.Confirmation.Wrap(thanks, session, service);
    }

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 120 && span.TotalMinutes % 60 == 0
            ? $"{span.TotalHours:0} hours"
            : $"{span.TotalMinutes:0} minutes";
}

/// <summary>Times as a patient in England reads them (Europe/London).</summary>
public static class LocalTime
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset ToLondon(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, London);

    /// <summary>"on Monday 3 March at 8:00am".</summary>
    public static string Describe(DateTimeOffset instant)
    {
        var local = ToLondon(instant);
        var time = local.ToString(local.Minute == 0 ? "h" : "h:mm", CultureInfo.InvariantCulture)
            + (local.Hour < 12 ? "am" : "pm");
        return $"on {local.ToString("dddd d MMMM", CultureInfo.InvariantCulture)} at {time}";
    }
}
