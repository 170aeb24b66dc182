using System.Globalization;

namespace PatientContact.Conversation.Intake;

/// <summary>Times as a patient in England reads them (Europe/London).</summary>
public static class LocalTime
{
    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset ToLondon(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, London);

    /// <summary>London's date at <paramref name="instant"/>.</summary>
    public static DateOnly Today(DateTimeOffset instant) => DateOnly.FromDateTime(ToLondon(instant).DateTime);

    /// <summary>London's midnight starting the day of <paramref name="instant"/>.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset instant)
    {
        var midnight = ToLondon(instant).Date;
        return new DateTimeOffset(midnight, London.GetUtcOffset(midnight));
    }

    /// <summary>"on Monday 3 March at 8:00am".</summary>
    public static string Describe(DateTimeOffset instant)
    {
        var local = ToLondon(instant);
        var time = local.ToString(local.Minute == 0 ? "h" : "h:mm", CultureInfo.InvariantCulture)
            + (local.Hour < 12 ? "am" : "pm");
        return $"on {local.ToString("dddd d MMMM", CultureInfo.InvariantCulture)} at {time}";
    }
}
