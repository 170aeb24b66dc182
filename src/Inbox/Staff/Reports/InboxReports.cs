using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Reports;

/// <summary>The weekly file for a service and week, or the field and reason it was refused.</summary>
public sealed record WeeklyFileResult(string? Csv, string? FileName, string? Field, string? Problem, IsoWeek? Week);

/// <summary>Reads what the reports count, for the services a person works for; the page and the API share it.</summary>
public sealed class InboxReports(IRequestStore requests, IUsageCounterStore counters, IRuleBookProvider rules, TimeProvider time)
{
    /// <summary>The last 28 UK days, today included, for these services (all of the person's when none is chosen).</summary>
    public async Task<InboxReport> BuildAsync(IReadOnlyList<string> serviceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceIds);
        var today = LondonTime.Today(time.GetUtcNow());
        var first = today.AddDays(-(InboxReportBuilder.Days - 1));
        var facts = await requests.ListFactsAsync(serviceIds, LondonTime.StartOfDay(first), LondonTime.StartOfDay(today.AddDays(1)), cancellationToken);
        var counts = await counters.ListAsync(serviceIds, first, today, cancellationToken);
        var book = rules.Current;
        return InboxReportBuilder.Build([.. serviceIds.Select(id => book.FindService(id)?.Name ?? id)], today, facts, counts);
    }

    /// <summary>The week that is over most recently: what the download form offers first.</summary>
    public IsoWeek LastCompleteWeek() => WeeklyFile.LastComplete(LondonTime.Today(time.GetUtcNow()));

    /// <summary>
    /// The weekly file of one of the person's services. A service they do not work for is refused exactly
    /// like one that does not exist.
    /// </summary>
    public async Task<WeeklyFileResult> WeeklyAsync(StaffMember staff, string? serviceId, string? week, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var id = string.IsNullOrWhiteSpace(serviceId) && staff.ServiceIds.Count == 1 ? staff.ServiceIds[0] : serviceId?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return new WeeklyFileResult(null, null, "serviceId", "Choose the service the file is for.", null);
        }

        var service = staff.WorksFor(id) ? rules.Current.FindService(id) : null;
        if (service is null)
        {
            return new WeeklyFileResult(null, null, "serviceId", "There is no service with that id that you work for.", null);
        }

        var (parsed, problem) = WeeklyFile.Parse(week, LondonTime.Today(time.GetUtcNow()));
        if (parsed is null)
        {
            return new WeeklyFileResult(null, null, "week", problem, null);
        }

        var facts = await requests.ListFactsAsync([service.Id], LondonTime.StartOfDay(parsed.Monday), LondonTime.StartOfDay(parsed.Sunday.AddDays(1)), cancellationToken);
        var counts = await counters.ListAsync([service.Id], parsed.Monday, parsed.Sunday, cancellationToken);
        return new WeeklyFileResult(WeeklyFile.Write(service, parsed, facts, counts), WeeklyFile.FileName(service, parsed), null, null, parsed);
    }
}
