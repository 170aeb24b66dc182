using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Reports;

/// <summary>One ISO week, Monday to Sunday (UK days).</summary>
public sealed record IsoWeek(int Year, int Week)
{
    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));

    public DateOnly Sunday => Monday.AddDays(6);

    /// <summary><c>2026-W48</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{Week:D2}");

    public static IsoWeek Of(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return new IsoWeek(ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date));
    }
}

/// <summary>
/// The weekly data file (SPEC section 11): for one service and one Monday-to-Sunday week that is over, one row
/// per day and measure: requests submitted (all, by type, by channel), emergency advice shown, and requests with
/// red flags by severity. Counts only: nothing about any patient.
/// </summary>
public static partial class WeeklyFile
{
    public const string ContentType = "text/csv; charset=utf-8";
    public const string Header = "date,service_id,ods_code,measure,category,label,count";

    /// <summary>Reads <c>YYYY-Www</c>; null with the reason when it is not a week, or not one that is over on <paramref name="today"/>.</summary>
    public static (IsoWeek? Week, string? Problem) Parse(string? value, DateOnly today)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return (null, "Enter the week, like 2026-W48.");
        }

        var match = WeekPattern().Match(text);
        if (!match.Success)
        {
            return (null, $"'{Shorten(text)}' is not a week: write the year, W and the week number, like 2026-W48.");
        }

        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var number = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (year < 2000 || year > 9000 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            return (null, $"{year} has no week {number}: its weeks are 1 to {(year is >= 2000 and <= 9000 ? ISOWeek.GetWeeksInYear(year) : 52)}.");
        }

        var week = new IsoWeek(year, number);
        if (week.Sunday >= today)
        {
            var label = CultureInfo.GetCultureInfo("en-GB");
            return (null, $"Week {week} is not over yet: it ends on {week.Sunday.ToString("dddd d MMMM yyyy", label)}. Its file can be made from {week.Sunday.AddDays(1).ToString("dddd d MMMM yyyy", label)}.");
        }

        return (week, null);
    }

    /// <summary>The last week that is over on <paramref name="today"/>.</summary>
    public static IsoWeek LastComplete(DateOnly today) => IsoWeek.Of(today.AddDays(-7));

    /// <summary>The file for one service's week, from its requests and usage counters of that week.</summary>
    public static string Write(ServiceDefinition service, IsoWeek week, IReadOnlyList<RequestFacts> facts, IReadOnlyList<UsageCount> counts)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(week);
        var types = facts.GroupBy(f => f.RequestTypeId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Last().RequestType)).ToList();
        var channels = new List<Channel> { Channel.WebChat, Channel.Sms, Channel.Form, Channel.Staff };
        channels.AddRange(facts.Select(f => f.Channel).Distinct().Where(c => !channels.Contains(c)));

        var csv = new StringBuilder().Append(Header).Append("\r\n");
        for (var day = week.Monday; day <= week.Sunday; day = day.AddDays(1))
        {
            var today = facts.Where(f => LondonTime.Today(f.CreatedAt) == day).ToList();
            void Row(string measure, string category, string label, long count) =>
                csv.Append(Field(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append(',')
                   .Append(Field(service.Id)).Append(',')
                   .Append(Field(service.OdsCode)).Append(',')
                   .Append(Field(measure)).Append(',')
                   .Append(Field(category)).Append(',')
                   .Append(Field(label)).Append(',')
                   .Append(count.ToString(CultureInfo.InvariantCulture)).Append("\r\n");

            Row("requests", "all", "All requests", today.Count);
            foreach (var (id, label) in types)
            {
                Row("requests_by_type", id, label, today.Count(f => f.RequestTypeId == id));
            }

            foreach (var channel in channels)
            {
                Row("requests_by_channel", InboxText.Channel(channel), InboxText.ChannelLabel(channel), today.Count(f => f.Channel == channel));
            }

            Row("emergency_advice_shown", "all", "Told to call 999 without sending a request",
                counts.Where(c => c.Day == day && c.Counter == UsageCounterNames.EmergencyAdvice).Sum(c => c.Value));
            Row("red_flags", Triage.EmergencySeverity, "Requests with an emergency red flag", today.Count(f => f.Urgency == Urgency.Emergency));
            Row("red_flags", Triage.UrgentSeverity, "Requests with an urgent red flag (no emergency)", today.Count(f => f.Urgency == Urgency.Urgent));
        }

        return csv.ToString();
    }

    /// <summary><c>patientcontact-riverside-gp-2026-W48.csv</c>.</summary>
    public static string FileName(ServiceDefinition service, IsoWeek week) => $"patientcontact-{service.Id}-{week}.csv";

    /// <summary>A CSV field: quoted when it holds a comma, quote or line break; never starting with a formula character.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";

    [GeneratedRegex(@"^(\d{4})-?W(\d{1,2})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WeekPattern();
}
