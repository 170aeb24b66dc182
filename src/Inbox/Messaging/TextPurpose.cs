using System.Text.Json.Serialization;

namespace PatientContact.Inbox.Messaging;

/// <summary>
/// What an outbound text is for, without personal data. Stored (outbox rows, a request's messages), logged and used
/// as the metrics' <c>purpose</c> tag by its stored name, the words it was kept as before it was an enum
/// (<see cref="Requests.StoredNames{TEnum}"/>, <see cref="TextPurposes.Name"/>).
/// </summary>
public enum TextPurpose
{
    /// <summary>A one-time code (a secret: its words are not kept once it has gone).</summary>
    [JsonStringEnumMemberName("otp")]
    Code,

    /// <summary>The reference ID, sent when a request arrives from web chat or the form.</summary>
    [JsonStringEnumMemberName("confirmation")]
    Confirmation,

    /// <summary>The service's link, sent by staff.</summary>
    [JsonStringEnumMemberName("link")]
    Link,

    /// <summary>A personal follow-up link, sent by staff (a secret: its token opens the link).</summary>
    [JsonStringEnumMemberName("follow-up-link")]
    FollowUpLink,

    /// <summary>A member of staff's text on a request.</summary>
    [JsonStringEnumMemberName("staff-reply")]
    StaffReply,

    /// <summary>An emergency request's alert to the service's duty number.</summary>
    [JsonStringEnumMemberName("duty-alert")]
    DutyAlert,
}

/// <summary>The stored names of <see cref="TextPurpose"/>.</summary>
public static class TextPurposes
{
    /// <summary>Its stored name: "otp", "confirmation", "staff-reply", ...</summary>
    public static string Name(this TextPurpose purpose) => Requests.StoredNames<TextPurpose>.Of(purpose);

    /// <exception cref="FormatException">Not a stored name of a purpose.</exception>
    public static TextPurpose Read(string name) => Requests.StoredNames<TextPurpose>.Read(name);
}
