using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Storage;

using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Reports;

/// <summary>How a chart is drawn: upright columns along a time axis, or labelled bars across.</summary>
public enum ChartKind { Columns, Bars }

/// <summary>One bar of a chart: its label, its value, and the value as people read it (a count, or a time).</summary>
public sealed record ChartBar(string Label, double Value, string Display);

/// <summary>A chart and the table of the same numbers beneath it.</summary>
/// <param name="Id">A stable id for the page's anchors and tests: <c>per-day</c>, <c>by-hour</c>, ...</param>
/// <param name="Summary">One sentence saying what the chart shows, read out in place of the drawing.</param>
public sealed record Chart(string Id, string Title, string Summary, string CategoryHeading, string ValueHeading, ChartKind Kind, IReadOnlyList<ChartBar> Bars);

/// <summary>The reports page: the period, the services counted and every chart.</summary>
public sealed record InboxReport(DateOnly FirstDay, DateOnly LastDay, IReadOnlyList<string> ServiceNames, long Requests, IReadOnlyList<Chart> Charts);

/// <summary>
/// Works out the reports from what is stored without personal data: each request's time, channel, type,
/// match, urgency and first staff action (<see cref="RequestFacts"/>), and the daily usage counters.
/// </summary>
public static class InboxReportBuilder
{
    /// <summary>Days in the reports' period, today included.</summary>
    public const int Days = 28;

    /// <summary>The conversation's steps in the order a patient meets them, with what each asks (SPEC section 1).</summary>
    public static readonly IReadOnlyList<(string Id, string Label)> Steps =
    [
        ("emergency", "Is it an emergency?"),
        ("request-type", "What kind of request"),
        ("details", "Details of the request"),
        ("red-flag", "Red-flag advice: carry on or stop"),
        ("proxy", "Who the request is for"),
        ("proxy-name", "Name of the person sending it"),
        ("proxy-relationship", "Their relationship to the patient"),
        ("follow-up-date-of-birth", "Date of birth (follow-up link)"),
        ("follow-up-details", "Details held (follow-up link)"),
        ("first-name", "First name"),
        ("last-name", "Last name"),
        ("date-of-birth", "Date of birth"),
        ("gender", "Gender"),
        ("postcode", "Postcode"),
        ("phone", "Phone number"),
        ("mobile-access", "Can they get texts on it"),
        ("otp", "Code texted to the mobile"),
        ("contact-preference", "How to be contacted"),
        ("review", "Check the answers"),
        ("change", "Changing an answer"),
    ];

    public static InboxReport Build(IReadOnlyList<string> serviceNames, DateOnly today, IReadOnlyList<RequestFacts> facts, IReadOnlyList<UsageCount> counts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(counts);
        var first = today.AddDays(-(Days - 1));
        var charts = new List<Chart>
        {
            PerDay(first, facts),
            ByHour(facts),
            ByChannel(facts),
            ByType(facts),
            Matching(facts),
            RedFlags(facts),
            FirstAction(facts),
            Advice(facts, counts),
            Stops(facts, counts),
        };
        return new InboxReport(first, today, serviceNames, facts.Count, charts);
    }

    private static Chart PerDay(DateOnly first, IReadOnlyList<RequestFacts> facts)
    {
        var perDay = facts.GroupBy(f => LondonTime.Today(f.CreatedAt)).ToDictionary(g => g.Key, g => g.Count());
        var bars = Enumerable.Range(0, Days)
            .Select(i => first.AddDays(i))
            .Select(day => Count(day.ToString("ddd d MMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB")), perDay.GetValueOrDefault(day)))
            .ToList();
        var busiest = bars.MaxBy(b => b.Value)!;
        return new Chart("per-day", "Requests per day", busiest.Value == 0
            ? "No requests in the last 28 days."
            : $"{facts.Count} requests in 28 days; the busiest day was {busiest.Label} with {busiest.Display}.",
            "Day", "Requests", ChartKind.Columns, bars);
    }

    private static Chart ByHour(IReadOnlyList<RequestFacts> facts)
    {
        var perHour = facts.GroupBy(f => LondonTime.InLondon(f.CreatedAt).Hour).ToDictionary(g => g.Key, g => g.Count());
        var bars = Enumerable.Range(0, 24).Select(h => Count($"{h:00}:00", perHour.GetValueOrDefault(h))).ToList();
        var busiest = bars.MaxBy(b => b.Value)!;
        return new Chart("by-hour", "Requests by hour of the day", busiest.Value == 0
            ? "No requests in the last 28 days."
            : $"The busiest hour was from {busiest.Label}, with {busiest.Display} in 28 days (UK time).",
            "Hour (UK time)", "Requests", ChartKind.Columns, bars);
    }

    private static Chart ByChannel(IReadOnlyList<RequestFacts> facts)
    {
        var channels = new List<Channel> { Channel.WebChat, Channel.Sms, Channel.Form, Channel.Staff };
        channels.AddRange(facts.Select(f => f.Channel).Distinct().Where(c => !channels.Contains(c)));
        var bars = channels.Select(c => Count(InboxText.ChannelLabel(c), facts.Count(f => f.Channel == c))).ToList();
        return new Chart("by-channel", "Requests by channel", Shares(bars, facts.Count), "Channel", "Requests", ChartKind.Bars, bars);
    }

    private static Chart ByType(IReadOnlyList<RequestFacts> facts)
    {
        var bars = facts.GroupBy(f => f.RequestTypeId)
            .Select(g => Count(g.Last().RequestType, g.Count()))
            .OrderByDescending(b => b.Value).ThenBy(b => b.Label, StringComparer.Ordinal)
            .ToList();
        return new Chart("by-type", "Requests by type", bars.Count == 0 ? "No requests in the last 28 days." : Shares(bars, facts.Count), "Request type", "Requests", ChartKind.Bars, bars);
    }

    private static Chart Matching(IReadOnlyList<RequestFacts> facts)
    {
        var matched = facts.Count(f => f.Matched);
        var bars = new List<ChartBar> { Count("Matched to an NHS record", matched) };
        bars.AddRange(facts.Where(f => !f.Matched)
            .GroupBy(f => f.MatchReason?.Label() ?? "no reason given")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Count($"Not matched: {g.Key}", g.Count())));
        var summary = facts.Count == 0
            ? "No requests in the last 28 days."
            : $"{Percent(matched, facts.Count)} of requests ({matched} of {facts.Count}) were matched to an NHS record.";
        return new Chart("matching", "Matched to an NHS record", summary, "Match", "Requests", ChartKind.Bars, bars);
    }

    private static Chart RedFlags(IReadOnlyList<RequestFacts> facts)
    {
        var bars = new List<ChartBar>
        {
            Count("Emergency red flag", facts.Count(f => f.Urgency == Urgency.Emergency)),
            Count("Urgent red flag (no emergency)", facts.Count(f => f.Urgency == Urgency.Urgent)),
            Count("No red flag", facts.Count(f => f.Urgency == Urgency.None)),
        };
        return new Chart("red-flags", "Red flags by severity", $"{bars[0].Display} with an emergency red flag and {bars[1].Display} with an urgent one, by the most serious flag of each request.",
            "Most serious red flag", "Requests", ChartKind.Bars, bars);
    }

    private static Chart FirstAction(IReadOnlyList<RequestFacts> facts)
    {
        var waits = facts.Where(f => f.FirstActionAt is not null)
            .Select(f => Math.Max(0, (long)Math.Floor((f.FirstActionAt!.Value - f.CreatedAt).TotalMinutes)))
            .Order()
            .ToList();
        var waiting = facts.Count - waits.Count;
        if (waits.Count == 0)
        {
            return new Chart("first-action", "Time to first staff action", $"No request in the last 28 days has been acted on yet ({waiting} waiting).",
                "Measure", "Time", ChartKind.Bars, [new ChartBar("Median", 0, "none yet"), new ChartBar("90th percentile", 0, "none yet")]);
        }

        var median = NearestRank(waits, 50);
        var p90 = NearestRank(waits, 90);
        var bars = new List<ChartBar>
        {
            new("Median", median, Triage.WaitingLabel(median)),
            new("90th percentile", p90, Triage.WaitingLabel(p90)),
        };
        return new Chart("first-action", "Time to first staff action",
            $"Half of the {waits.Count} requests acted on were first acted on within {Triage.WaitingLabel(median)}, and 9 in 10 within {Triage.WaitingLabel(p90)}; {waiting} not yet acted on.",
            "Measure", "Time from received to first action", ChartKind.Bars, bars);
    }

    private static Chart Advice(IReadOnlyList<RequestFacts> facts, IReadOnlyList<UsageCount> counts)
    {
        var bars = new List<ChartBar>
        {
            Count("Told to call 999 and did not send a request", Sum(counts, UsageCounterNames.EmergencyAdvice)),
            Count("Shown emergency red-flag advice and sent the request", facts.Count(f => f.Urgency == Urgency.Emergency)),
            Count("Chose to stop after red-flag advice", Sum(counts, UsageCounterNames.RedFlagStopped)),
            Count("Shown advice instead of sending a request", Sum(counts, UsageCounterNames.Advice)),
        };
        return new Chart("advice", "Emergency and other advice shown",
            $"{bars[0].Display} told to call 999 without sending a request, and {bars[1].Display} sent after emergency advice.",
            "What the patient was shown", "Conversations", ChartKind.Bars, bars);
    }

    private static Chart Stops(IReadOnlyList<RequestFacts> facts, IReadOnlyList<UsageCount> counts)
    {
        var stopped = counts.Where(c => c.Counter.StartsWith(UsageCounterNames.StoppedAtPrefix, StringComparison.Ordinal))
            .GroupBy(c => c.Counter[UsageCounterNames.StoppedAtPrefix.Length..])
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);
        var bars = Steps.Where(s => stopped.ContainsKey(s.Id) || !s.Id.StartsWith("follow-up", StringComparison.Ordinal) && s.Id != "change")
            .Select(s => Count(s.Label, stopped.GetValueOrDefault(s.Id)))
            .ToList();
        // A step id the list does not know yet (a new step) still counts, under its id.
        bars.AddRange(stopped.Where(s => Steps.All(k => k.Id != s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => Count(s.Key, s.Value)));
        var total = stopped.Values.Sum();
        var worst = bars.MaxBy(b => b.Value)!;
        return new Chart("stops", "Where patients stop",
            total == 0
                ? $"No conversation was left unfinished in the last 28 days; {facts.Count} requests were sent."
                : $"{total} conversations went no further than a step and were given up (most at \"{worst.Label}\", {worst.Display}); {facts.Count} requests were sent.",
            "Last step reached", "Conversations given up there", ChartKind.Bars, bars);
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least p% of them at or below it.</summary>
    public static long NearestRank(IReadOnlyList<long> sorted, int percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static long Sum(IReadOnlyList<UsageCount> counts, string counter) => counts.Where(c => c.Counter == counter).Sum(c => c.Value);

    private static ChartBar Count(string label, long value) => new(label, value, value.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")));

    private static string Percent(long part, long whole) =>
        whole == 0 ? "0%" : (part * 100.0 / whole).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private static string Shares(IReadOnlyList<ChartBar> bars, long total) =>
        total == 0 ? "No requests in the last 28 days." : string.Join("; ", bars.Select(b => $"{b.Label} {b.Display} ({Percent((long)b.Value, total)})")) + ".";
}
