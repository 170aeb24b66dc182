using System.Globalization;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>What the service says at each step, in plain words for someone who may be unwell.</summary>
public static class Questions
{
    /// <summary>How much of earlier details an SMS shows when the details question is asked again.</summary>
    private const int SmsPreviousDetails = 150;

    /// <summary>The service's own welcome (services.json <c>welcomeMessage</c>), or the standard one.</summary>
    public static string Welcome(ServiceDefinition service) =>
        service.WelcomeMessage?.Replace("{service}", service.Name, StringComparison.Ordinal)
        ?? $"Welcome to {service.Name}. You can use this to send us a request that is not urgent. It takes about 5 minutes.";

    public static string Help(ServiceDefinition service) =>
        $"Answer each question, or choose a number from the list. To go to the last question, reply back. To start again, reply restart. To speak to someone, call {service.PhoneNumber}. {SafetyWording.UrgentHelp(service)}";

    /// <summary>Said when a choice answer fits none of the choices.</summary>
    public static string ChoiceError<T>(ChoiceSet<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return $"Sorry, we did not understand that. Reply with a number or the words, like 1 or {choices.Items[0].Example}.";
    }

    /// <summary>Said when a choice answer fits several choices: it names them.</summary>
    public static string WhichOne<T>(ChoiceSet<T> choices, IReadOnlyList<int> candidates)
    {
        ArgumentNullException.ThrowIfNull(choices);
        ArgumentNullException.ThrowIfNull(candidates);
        var named = candidates.Select(i => $"{i + 1} ({choices.Items[i].Example})").ToList();
        var list = named.Count == 2 ? $"{named[0]} or {named[1]}" : $"{string.Join(", ", named[..^1])} or {named[^1]}";
        return $"That could mean more than one choice. Did you mean {list}? Reply with a number or the words.";
    }

    /// <summary>The minimum length of the details: "1" or "ok" tells staff nothing; "fit note" and "sore knee" do.</summary>
    public const int MinDetailsLength = 8;

    public static string DetailsTooShort(int length) =>
        $"Please tell us a bit more, so we know what you need. Write at least {MinDetailsLength} characters (yours has {length}).";

    /// <summary>The word that keeps an earlier answer when a free-text question is asked again.</summary>
    public const string KeepWord = "keep";

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
            Step.RequestType => new BotReply("What is your request about?", step, Choices.RequestTypes(session.OfferedTypes).Choices),
            Step.Advice => BotReply.Say(Advice(session, service), step),
            Step.Details => BotReply.Say(WithPrevious(step, session, DetailsQuestion(session, self)), step),
            Step.RedFlag => new BotReply(RedFlag(session, service), step, Choices.RedFlag.Choices),
            Step.Proxy => new BotReply("Who is this request for?", step, Choices.Proxy.Choices),
            Step.ProxyName => BotReply.Say(WithPrevious(step, session, "What is your name?"), step),
            Step.ProxyRelationship => new BotReply("How do you know the person this request is for?", step, Choices.Relationship.Choices),
            Step.FollowUpDateOfBirth => BotReply.Say(self
                ? $"{service.Name} sent you this link, so we may already have some of your details. To check it's you, what is your date of birth? For example, 21/03/1980."
                : $"{service.Name} sent this link to the person you're helping, so we may already have some of their details. To check, what is their date of birth? For example, 21/03/1980.", step),
            Step.FollowUpDetails => new BotReply(FollowUpDetails(session), step, Choices.FollowUpDetails.Choices),
            Step.FirstName => BotReply.Say(WithPrevious(step, session, self ? "What is your first name?" : "What is their first name?"), step),
            Step.LastName when a.SuggestedLastName is { } suggested => new BotReply(
                $"Is {NameParser.Display(suggested)} {(self ? "your" : "their")} last name?", step, Choices.SuggestedLastName.Choices),
            Step.LastName => BotReply.Say(WithPrevious(step, session, self ? "What is your last name?" : "What is their last name?"), step),
            Step.DateOfBirth => BotReply.Say(WithPrevious(step, session, self ? "What is your date of birth? For example, 21/03/1980." : "What is their date of birth? For example, 21/03/1980."), step),
            Step.Gender => new BotReply(self ? "What is your gender?" : "What is their gender?", step, Choices.Gender.Choices),
            Step.Postcode => BotReply.Say(WithPrevious(step, session, self ? "What is your postcode?" : "What is their postcode?"), step),
            Step.Phone => BotReply.Say(WithPrevious(step, session, self
                ? "What UK phone number should we use to contact you about this request?"
                : "Which phone should we use: yours or theirs? Give the UK number we should contact about this request."), step),
            Step.MobileAccess => new BotReply($"Do you have the phone {PhoneParser.Display(a.Phone!)} with you now? We'll text it a code to check.", step, Choices.MobileAccess.Choices),
            Step.Otp => BotReply.Say($"We've texted a 6-digit code to {PhoneParser.Display(a.Phone!)}. Reply with the code. If it hasn't arrived, reply resend.", step),
            Step.ContactPreference => new BotReply($"How should we reply on {PhoneParser.Display(a.Phone!)}?", step, Choices.ContactPreference.Choices),
            Step.Review => ReviewText.Review(session, service),
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

    /// <summary>The answer a free-text step already has (after back, or changing it from the review), as it is shown back.</summary>
    public static string? Previous(Step step, IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var a = session.Answers;
        return step switch
        {
            Step.Details => a.Details,
            Step.ProxyName => a.ProxyName is null ? null : NameParser.Display(a.ProxyName),
            Step.FirstName => a.FirstName is null ? null : NameParser.Display(a.SuggestedLastName is null ? a.FirstName : $"{a.FirstName} {a.SuggestedLastName}"),
            Step.LastName => a.LastName is null || a.SuggestedLastName is not null ? null : NameParser.Display(a.LastName),
            Step.DateOfBirth => a.DateOfBirth?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
            Step.Postcode => a.Postcode,
            Step.Phone => a.Phone is null ? null : PhoneParser.Display(a.Phone),
            _ => null,
        };
    }

    /// <summary>A free-text question asked again: what was given before, and that <c>keep</c> keeps it.</summary>
    private static string WithPrevious(Step step, IntakeSession session, string question)
    {
        if (Previous(step, session) is not { } previous)
        {
            return question;
        }

        if (step == Step.Details)
        {
            var shown = session.Channel == Channel.Sms && new StringInfo(previous).LengthInTextElements > SmsPreviousDetails
                ? new StringInfo(previous).SubstringByTextElements(0, SmsPreviousDetails).TrimEnd() + "..."
                : previous;
            return $"{question}\nYou wrote: \"{shown}\"\nReply {KeepWord} to keep it, or send a new answer.";
        }

        return $"{question}\nYou said: {previous}. Reply {KeepWord} to keep it, or send a new answer.";
    }

    private static string DetailsQuestion(IntakeSession session, bool self)
    {
        var chosen = session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId);
        var ask = chosen?.DetailsPrompt ?? (self
            ? "Tell us about your request: what it is about, and what you need from us."
            : "Tell us about the request for the person you're helping: what it is about, and what they need.");
        return $"{ask} You can write up to 1,000 characters.";
    }

    private static string FollowUpDetails(IntakeSession session)
    {
        var offered = session.FollowUp!;
        var who = session.Answers.Proxy == SubmitterKind.Proxy ? "them" : "you";
        return $"Thank you. These are the details we have for {who}:\n"
            + $"Name: {NameParser.Display(offered.OfferedFirstName)} {NameParser.Display(offered.OfferedLastName)}\n"
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
    public const string RedFlagCarryOn = "If you are safe now or have had help, you can carry on.";

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

    private static string Submitted(IntakeSession session, ServiceDefinition service)
    {
        var how = session.Answers.ContactPreference == ContactPreference.Text ? "text you" : "call you";
        var own = service.ConfirmationMessage is { } message ? message.Replace("{service}", service.Name, StringComparison.Ordinal) + " " : string.Empty;
        var thanks = $"Thank you. Your request has been sent to {service.Name}. Your reference is {session.ReferenceId}. {own}"
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
