using System.Globalization;

namespace PatientContact.Rules;

/// <summary>
/// Europe/London, the one clock patients and staff read: opening hours, days of reports and counters, the dates a
/// patient types and a link's last day are all in UK local time, whatever the server's zone.
/// </summary>
public static class LondonTime
{
    public static TimeZoneInfo Zone { get; } = FindZone();

    public static DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>
    /// The instant a UK wall-clock time stands for. A time skipped when the clocks go forward becomes the
    /// first moment after the gap; a time that happens twice when they go back is taken the first time (BST).
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            // Only in the hour the clocks go forward, so this runs at most 60 times, and rarely at all.
            local = local.AddMinutes(1);
            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static DateTimeOffset InLondon(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>London's date at <paramref name="instant"/>.</summary>
    public static DateOnly Today(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant));

    /// <summary>London's midnight starting the day of <paramref name="instant"/>.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset instant) => ToInstant(ToLocal(instant).Date);

    /// <summary>The moment a UK day starts.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => ToInstant(day.ToDateTime(TimeOnly.MinValue));

    /// <summary>How a patient reads a reopening time: "at 8am today", "at 6:30pm tomorrow", "at 8am on Monday 31 March".</summary>
    public static string Describe(DateTimeOffset when, DateTimeOffset now)
    {
        var local = ToLocal(when);
        var today = ToLocal(now).Date;
        var time = DescribeTime(TimeOnly.FromDateTime(local));
        var days = (local.Date - today).Days;
        return days switch
        {
            0 => $"at {time} today",
            1 => $"at {time} tomorrow",
            _ => $"at {time} on {local.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB"))}",
        };
    }

    /// <summary>NHS style for times: 8am, 6:30pm, midday, midnight.</summary>
    public static string DescribeTime(TimeOnly time)
    {
        if (time == TimeOnly.MinValue)
        {
            return "midnight";
        }

        if (time == new TimeOnly(12, 0))
        {
            return "midday";
        }

        var hour = time.Hour % 12 == 0 ? 12 : time.Hour % 12;
        var suffix = time.Hour < 12 ? "am" : "pm";
        return time.Minute == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hour}{suffix}")
            : string.Create(CultureInfo.InvariantCulture, $"{hour}:{time.Minute:00}{suffix}");
    }

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // Slim containers may ship without tzdata; the UK rule has been stable since 1996.
            var forward = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 1, 0, 0), 3, 5, DayOfWeek.Sunday);
            var back = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 10, 5, DayOfWeek.Sunday);
            var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1), forward, back);
            return TimeZoneInfo.CreateCustomTimeZone("Europe/London", TimeSpan.Zero, "UK time", "GMT", "BST", [rule]);
        }
    }
}
