using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PatientContact.Rules;

/// <summary>Reading opening windows and answering "open now?" and "opens when?" in UK local time.</summary>
internal static class OpeningTimes
{
    public static bool IsWithin(IReadOnlyList<OpeningWindow> windows, DateTime local)
    {
        var time = TimeOnly.FromDateTime(local);
        foreach (var window in windows)
        {
            if (window.Day == local.DayOfWeek && window.Contains(time))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The earliest instant at or after <paramref name="from"/> within the windows, or null if there is none in the next week.</summary>
    public static DateTimeOffset? NextOpening(IReadOnlyList<OpeningWindow> windows, DateTimeOffset from)
    {
        var local = LondonTime.ToLocal(from);
        if (IsWithin(windows, local))
        {
            return LondonTime.InLondon(from);
        }

        for (var day = 0; day <= 7; day++)
        {
            var date = local.Date.AddDays(day);
            DateTimeOffset? best = null;
            foreach (var window in windows)
            {
                if (window.Day != date.DayOfWeek)
                {
                    continue;
                }

                var opens = date + window.Opens.ToTimeSpan();
                if (opens < local)
                {
                    continue;
                }

                var instant = LondonTime.ToInstant(opens);
                if (instant >= from && IsWithin(windows, LondonTime.ToLocal(instant)) && (best is null || instant < best))
                {
                    best = instant;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>The start of the next UK calendar day after <paramref name="instant"/>.</summary>
    public static DateTimeOffset StartOfNextDay(DateTimeOffset instant) =>
        LondonTime.ToInstant(LondonTime.ToLocal(instant).Date.AddDays(1));

    public static OpeningWindow? TryParseWindow(DayOfWeek day, string? opens, string? closes, [NotNullWhen(false)] out string? error)
    {
        if (!TryParseTime(opens, allowMidnightEnd: false, out var opensAt, out _))
        {
            error = $"opens '{opens}' is not a time like \"08:00\"";
            return null;
        }

        if (!TryParseTime(closes, allowMidnightEnd: true, out var closesAt, out var untilMidnight))
        {
            error = $"closes '{closes}' is not a time like \"18:30\" or \"24:00\"";
            return null;
        }

        if (!untilMidnight && closesAt <= opensAt)
        {
            error = $"closes {closes} is not after opens {opens} (split a window that runs past midnight in two)";
            return null;
        }

        error = null;
        return new OpeningWindow(day, opensAt, untilMidnight ? TimeOnly.MinValue : closesAt, untilMidnight);
    }

    private static bool TryParseTime(string? text, bool allowMidnightEnd, out TimeOnly time, out bool isMidnightEnd)
    {
        isMidnightEnd = allowMidnightEnd && text == "24:00";
        if (isMidnightEnd)
        {
            time = TimeOnly.MinValue;
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
