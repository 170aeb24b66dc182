using System.Globalization;

namespace PatientContact.Inbox.Requests;

/// <summary>How urgent a request is: the most serious of its red flags.</summary>
public enum Urgency { None = 0, Urgent = 1, Emergency = 2 }

/// <summary>What the triage view works out from a request: its urgency, the patient's age, how long it has waited.</summary>
public static class Triage
{
    public const string EmergencySeverity = "emergency";
    public const string UrgentSeverity = "urgent";

    public static Urgency UrgencyOf(IReadOnlyList<RedFlagHit> redFlags)
    {
        ArgumentNullException.ThrowIfNull(redFlags);
        var urgency = Urgency.None;
        foreach (var flag in redFlags)
        {
            var level = SeverityOf(flag.Severity);
            if (level > urgency)
            {
                urgency = level;
            }
        }

        return urgency;
    }

    public static Urgency UrgencyOf(ContactRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return UrgencyOf(request.RedFlags);
    }

    public static Urgency SeverityOf(string severity) => severity switch
    {
        EmergencySeverity => Urgency.Emergency,
        UrgentSeverity => Urgency.Urgent,
        _ => Urgency.None,
    };

    /// <summary>An emergency request nobody has opened yet: the inbox shows its alert on every page of the service.</summary>
    public static bool AwaitsFirstOpening(ContactRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.FirstOpened is null && UrgencyOf(request) == Urgency.Emergency;
    }

    /// <summary>Whole years of age on <paramref name="today"/>.</summary>
    public static int AgeYears(DateOnly dateOfBirth, DateOnly today)
    {
        var age = today.Year - dateOfBirth.Year;
        if (today.Month < dateOfBirth.Month || (today.Month == dateOfBirth.Month && today.Day < dateOfBirth.Day))
        {
            age--;
        }

        return Math.Max(0, age);
    }

    /// <summary>Whole minutes from when the request was received until the first staff action, or until <paramref name="now"/>.</summary>
    public static long WaitingMinutes(ContactRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var until = request.FirstActionAt ?? now;
        return Math.Max(0, (long)Math.Floor((until - request.CreatedAt).TotalMinutes));
    }

    /// <summary>A wait as staff read it: "35 min", "3 h 5 min", "2 days 4 h".</summary>
    public static string WaitingLabel(long minutes)
    {
        var c = CultureInfo.InvariantCulture;
        if (minutes < 60)
        {
            return string.Create(c, $"{minutes} min");
        }

        if (minutes < 24 * 60)
        {
            var m = minutes % 60;
            return m == 0 ? string.Create(c, $"{minutes / 60} h") : string.Create(c, $"{minutes / 60} h {m} min");
        }

        var days = minutes / (24 * 60);
        var hours = minutes % (24 * 60) / 60;
        var dayWord = days == 1 ? "day" : "days";
        return hours == 0 ? string.Create(c, $"{days} {dayWord}") : string.Create(c, $"{days} {dayWord} {hours} h");
    }

    /// <summary>
    /// A red flag's rule id as staff read it: "chest-pain" is "Chest pain", "unconscious-or-seizure" is
    /// "Unconscious or seizure". Rule ids are written to read this way (see docs/inbox.md).
    /// </summary>
    public static string RedFlagLabel(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var words = id.Replace('-', ' ').Replace('_', ' ').Trim();
        return words.Length == 0 ? id : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>The severity as staff read it.</summary>
    public static string SeverityLabel(string severity) => severity switch
    {
        EmergencySeverity => "Emergency",
        UrgentSeverity => "Urgent",
        _ => severity,
    };
}
