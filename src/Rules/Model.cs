using System.Text.Json.Serialization;

namespace PatientContact.Rules;

/// <summary>A GP practice or trust that takes requests, as described in <c>rules/services.json</c>.</summary>
public sealed record ServiceDefinition
{
    /// <summary>Slug used in the patient link: <c>/c/{Id}</c>.</summary>
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary><c>gp-practice</c>, <c>community-trust</c> or <c>mental-health-trust</c>.</summary>
    public required string Type { get; init; }
    public required string OdsCode { get; init; }
    /// <summary>E.164 numbers patients text.</summary>
    public IReadOnlyList<string> SmsNumbers { get; init; } = [];
    /// <summary>The number patients can ring, as it should be shown to them.</summary>
    public required string PhoneNumber { get; init; }
    /// <summary>Local (Europe/London) opening windows; empty means never open.</summary>
    public IReadOnlyList<OpeningWindow> OpeningHours { get; init; } = [];
    public int? DailyCapacity { get; init; }

    /// <summary>
    /// What the confirmation promises, read after "We'll reply", e.g. "by the end of the next working day".
    /// Required in <c>services.json</c>; the default is only for services built in code.
    /// </summary>
    public string ResponsePromise { get; init; } = "within 2 working days";

    /// <summary>The service's own crisis line as patients should see it; required for a mental health trust, optional otherwise.</summary>
    public string? CrisisLine { get; init; }

    /// <summary>The text staff send with the service's link; <c>{service}</c> and <c>{link}</c> are filled in. Null: the standard wording.</summary>
    public string? LinkMessage { get; init; }

    /// <summary>The text with a personal follow-up link; <c>{service}</c>, <c>{link}</c> and <c>{ends}</c> are filled in. Null: the standard wording.</summary>
    public string? FollowUpLinkMessage { get; init; }

    /// <summary>A UK mobile (E.164) told when a request with an emergency red flag arrives, with its reference ID only; null: no text.</summary>
    public string? DutyAlertNumber { get; init; }

    /// <summary>The service's own welcome, the first thing a patient reads; <c>{service}</c> is filled in. Null: the standard welcome.</summary>
    public string? WelcomeMessage { get; init; }

    /// <summary>
    /// A sentence of the service's own added to the confirmation after the reference ID (for example how
    /// requests are read); <c>{service}</c> is filled in. It never replaces the confirmation's own lines.
    /// </summary>
    public string? ConfirmationMessage { get; init; }
}

/// <summary>One opening window on a day of the week, local time; Closes of 24:00 is written "24:00".</summary>
/// <remarks>A window that runs to the end of the day has <see cref="UntilMidnight"/> set and <see cref="Closes"/> of 00:00.</remarks>
[JsonConverter(typeof(OpeningWindowJsonConverter))]
public sealed record OpeningWindow(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes, bool UntilMidnight = false)
{
    /// <summary>Whether a local time of day on <see cref="Day"/> falls in the window: opening inclusive, closing exclusive.</summary>
    public bool Contains(TimeOnly localTime) => localTime >= Opens && (UntilMidnight || localTime < Closes);
}

public enum RequestKind { Request, Advice }

/// <summary>A kind of request offered to the patient at the <c>request-type</c> step.</summary>
/// <param name="Label">What staff and the review call it ("Admin request").</param>
/// <param name="Clinical">False for an admin request (a fit note, a letter): its confirmation gives no "if you feel worse" advice.</param>
public sealed record RequestTypeOption(string Id, string Label, RequestKind Kind, string? AdviceUrl, bool Clinical = true)
{
    /// <summary>Shown after the label in the choice, in brackets ("fit notes, letters"); null for none.</summary>
    public string? Examples { get; init; }

    /// <summary>Other words patients use for it ("sick note", "doctor").</summary>
    public IReadOnlyList<string> Synonyms { get; init; } = [];

    /// <summary>What the details question asks for this type; null for the standard question.</summary>
    public string? DetailsPrompt { get; init; }

    /// <summary>True when the patient may add photos (the <c>photos</c> step after the details).</summary>
    public bool Photos { get; init; }

    /// <summary>The label as the patient sees it in the list: "Admin request (fit notes, letters)".</summary>
    public string ChoiceLabel => Examples is null ? Label : $"{Label} ({Examples})";
}

/// <summary>A red-flag rule that matched the patient's words.</summary>
/// <param name="Id">The rule's id, e.g. <c>chest-pain</c>.</param>
/// <param name="Severity"><see cref="RedFlagSeverity.Emergency"/> or <see cref="RedFlagSeverity.Urgent"/>.</param>
/// <param name="Advice">The rule's own advice; an emergency rule's names 999.</param>
/// <param name="Topic"><see cref="RedFlagTopic.MentalHealth"/> adds the service type's mental health crisis wording; otherwise <see cref="RedFlagTopic.Physical"/>.</param>
public sealed record RedFlagMatch(string Id, string Severity, string Advice, string Topic = RedFlagTopic.Physical)
{
    [JsonIgnore]
    public bool IsEmergency => Severity == RedFlagSeverity.Emergency;

    [JsonIgnore]
    public bool IsMentalHealth => Topic == RedFlagTopic.MentalHealth;
}

/// <summary>The severities a red-flag rule may have: emergency (999) or urgent (111).</summary>
public static class RedFlagSeverity
{
    public const string Emergency = "emergency";
    public const string Urgent = "urgent";

    public static IReadOnlyList<string> All { get; } = [Emergency, Urgent];
}

/// <summary>What a red-flag rule is about, which decides the signposting added to its advice.</summary>
public static class RedFlagTopic
{
    public const string Physical = "physical";
    public const string MentalHealth = "mental-health";

    public static IReadOnlyList<string> All { get; } = [Physical, MentalHealth];
}

/// <summary>Whether a service takes requests now; when closed, what to tell the patient.</summary>
public sealed record Availability(bool IsOpen, string? ClosedReason, string? Message, DateTimeOffset? ReopensAt)
{
    public static Availability Open { get; } = new(true, null, null, null);
}

/// <summary>The kinds of service <c>rules/services.json</c> accepts.</summary>
public static class ServiceTypes
{
    public const string GpPractice = "gp-practice";
    public const string CommunityTrust = "community-trust";
    public const string MentalHealthTrust = "mental-health-trust";

    public static IReadOnlyList<string> All { get; } = [GpPractice, CommunityTrust, MentalHealthTrust];
}

/// <summary>Channels as rule expressions see them.</summary>
public static class Channels
{
    public const string WebChat = "webchat";
    public const string Sms = "sms";
    public const string Terminal = "terminal";
    /// <summary>The server-rendered form at <c>/c/{serviceId}/form</c>.</summary>
    public const string Form = "form";
    /// <summary>Requests staff enter from <c>/inbox/new</c> for a patient who phoned or came in.</summary>
    public const string Staff = "staff";
}

/// <summary>A canned text staff may start a reply to a patient from (<c>rules/reply-templates.json</c>).</summary>
public sealed record ReplyTemplate(string Id, string Label, string Text)
{
    /// <summary>The text with <c>{reference}</c> and <c>{service}</c> filled in.</summary>
    public string Fill(ServiceDefinition service, string referenceId)
    {
        ArgumentNullException.ThrowIfNull(service);
        return Text.Replace("{reference}", referenceId, StringComparison.Ordinal).Replace("{service}", service.Name, StringComparison.Ordinal);
    }
}
