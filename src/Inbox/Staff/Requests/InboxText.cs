using System.Globalization;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Requests;

/// <summary>
/// How the inbox writes request fields for people and for the JSON API: one spelling each, used by
/// the pages, the API and the query parameters alike.
/// </summary>
public static class InboxText
{

    /// <summary>API and query spelling of a status: <c>new</c>, <c>in progress</c>, <c>done</c>.</summary>
    public static string Status(RequestStatus status) => status switch
    {
        RequestStatus.New => "new",
        RequestStatus.InProgress => "in progress",
        RequestStatus.Done => "done",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>The status as a page shows it.</summary>
    public static string StatusLabel(RequestStatus status) => status switch
    {
        RequestStatus.New => "New",
        RequestStatus.InProgress => "In progress",
        RequestStatus.Done => "Done",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Reads <c>new</c>, <c>in progress</c>, <c>in-progress</c>, <c>in_progress</c>, <c>inprogress</c>, <c>done</c>, any case.</summary>
    public static bool TryParseStatus(string? value, out RequestStatus status)
    {
        status = RequestStatus.New;
        var key = value?.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        switch (key)
        {
            case "new":
                status = RequestStatus.New;
                return true;
            case "inprogress":
                status = RequestStatus.InProgress;
                return true;
            case "done":
                status = RequestStatus.Done;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The value a status takes in a URL: <c>new</c>, <c>in-progress</c>, <c>done</c>.</summary>
    public static string StatusQuery(RequestStatus status) => status == RequestStatus.InProgress ? "in-progress" : Status(status);

    public static string Gender(Gender gender) => gender switch
    {
        Inbox.Requests.Gender.Female => "female",
        Inbox.Requests.Gender.Male => "male",
        Inbox.Requests.Gender.Other => "other",
        Inbox.Requests.Gender.PreferNotToSay => "prefer not to say",
        _ => throw new ArgumentOutOfRangeException(nameof(gender)),
    };

    public static string Channel(Channel channel) => channel switch
    {
        Inbox.Requests.Channel.WebChat => "webchat",
        Inbox.Requests.Channel.Sms => "sms",
        Inbox.Requests.Channel.Form => "form",
        Inbox.Requests.Channel.Staff => "staff",
        // The developer's terminal chat, never a patient's channel in a deployment.
        Inbox.Requests.Channel.Terminal => "terminal",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>Reads a channel as the API spells it (<c>webchat</c>, <c>sms</c>, <c>form</c>, <c>staff</c>), any case.</summary>
    public static bool TryParseChannel(string? value, out Channel channel)
    {
        Channel? parsed = value?.Trim().ToLowerInvariant() switch
        {
            "webchat" => Inbox.Requests.Channel.WebChat,
            "sms" => Inbox.Requests.Channel.Sms,
            "form" => Inbox.Requests.Channel.Form,
            "staff" => Inbox.Requests.Channel.Staff,
            _ => null,
        };
        channel = parsed ?? default;
        return parsed is not null;
    }

    public static string ChannelLabel(Channel channel) => channel switch
    {
        Inbox.Requests.Channel.WebChat => "Web chat",
        Inbox.Requests.Channel.Sms => "Text message",
        Inbox.Requests.Channel.Form => "Online form",
        Inbox.Requests.Channel.Staff => "Entered by staff",
        _ => "Terminal (development)",
    };

    /// <summary>A text's delivery status as the API spells it.</summary>
    public static string Delivery(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => "queued",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Undelivered => "undelivered",
        DeliveryStatus.Failed => "failed",
        _ => "opted-out",
    };

    /// <summary>A text's delivery status as staff read it.</summary>
    public static string DeliveryLabel(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => "Waiting to send",
        DeliveryStatus.Sent => "Sent",
        DeliveryStatus.Delivered => "Delivered",
        DeliveryStatus.Undelivered => "Not delivered",
        DeliveryStatus.Failed => "Not sent",
        _ => "Not sent: the patient asked for no texts",
    };

    public static string Preference(ContactPreference preference) => preference == ContactPreference.Text ? "text" : "phone";

    public static string Match(MatchStatus status) => status == MatchStatus.Matched ? "matched" : "unmatched";

    public static string Kind(SubmitterKind kind) => kind == SubmitterKind.Self ? "self" : "proxy";

    /// <summary>Dates of birth as the API gives them.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A date of birth as staff read it: 22 October 2010.</summary>
    public static string DateLabel(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"));

    /// <summary>A moment as staff read it, in UK time: 26 Nov 2026, 10:04.</summary>
    public static string Time(DateTimeOffset instant) =>
        LondonTime.InLondon(instant).ToString("d MMM yyyy, HH:mm", CultureInfo.GetCultureInfo("en-GB"));

    /// <summary>The machine-readable form for a &lt;time&gt; element and the API: UTC, ISO 8601.</summary>
    public static string IsoTime(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A reference ID as staff may type it (any case, with or without the hyphen, spaces around) in its
    /// stored form <c>XXXX-XXXX</c>; null when it cannot be one.
    /// </summary>
    public static string? ReferenceId(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var compact = new string([.. value.Where(c => c != '-' && !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant)]);
        if (compact.Length != 8 || !compact.All(c => char.IsAsciiDigit(c) || (char.IsAsciiLetterUpper(c) && c is not ('I' or 'L' or 'O' or 'U'))))
        {
            return null;
        }

        return $"{compact[..4]}-{compact[4..]}";
    }
}
