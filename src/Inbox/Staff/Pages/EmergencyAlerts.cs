using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary>One emergency request nobody has opened yet, as the banner names it: no patient details.</summary>
public sealed record EmergencyAlert(string ReferenceId, string ServiceName, IReadOnlyList<string> Flags, DateTimeOffset ReceivedAt);

/// <summary>The banner on every inbox page: the oldest few unopened emergencies of the person's services, and how many there are.</summary>
public sealed record AlertBanner(IReadOnlyList<EmergencyAlert> Alerts, long Total)
{
    public static AlertBanner None { get; } = new([], 0);
}

/// <summary>
/// Loads the emergency alert banner once per inbox page request, before the page's own work, for every
/// service the signed-in person works for. The request page that opens an alerting request takes it off.
/// </summary>
public static class EmergencyAlerts
{
    /// <summary>The banner names this many; "and N more" says the rest.</summary>
    public const int Shown = 5;

    private static readonly object ItemKey = new();

    public static async ValueTask<object?> LoadAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (StaffMember.From(context.User) is { } staff)
        {
            context.Items[ItemKey] = await ReadAsync(context.RequestServices, staff, context.RequestAborted);
        }

        return await next(invocation);
    }

    /// <summary>The banner loaded for this page; none for a page outside the signed-in inbox.</summary>
    public static AlertBanner For(HttpContext context) => context.Items[ItemKey] as AlertBanner ?? AlertBanner.None;

    /// <summary>Takes a request off this page's banner (the page that has just opened it).</summary>
    public static void Remove(HttpContext context, string referenceId)
    {
        var banner = For(context);
        if (banner.Alerts.Any(a => a.ReferenceId == referenceId))
        {
            context.Items[ItemKey] = new AlertBanner([.. banner.Alerts.Where(a => a.ReferenceId != referenceId)], banner.Total - 1);
        }
    }

    private static async Task<AlertBanner> ReadAsync(IServiceProvider services, StaffMember staff, CancellationToken cancellationToken)
    {
        var requests = services.GetRequiredService<IRequestStore>();
        var book = services.GetRequiredService<IRuleBookProvider>().Current;
        // Oldest first: the one waiting longest is the one to open first.
        var page = await requests.ListAsync(
            new RequestQuery { ServiceIds = staff.ServiceIds, AwaitingFirstOpening = true, Sort = RequestSort.Urgency, PageSize = Shown },
            cancellationToken);
        if (page.Total == 0)
        {
            return AlertBanner.None;
        }

        var alerts = page.Items.Select(r => new EmergencyAlert(
            r.ReferenceId,
            book.FindService(r.ServiceId)?.Name ?? r.ServiceId,
            [.. r.RedFlags.Where(f => Triage.SeverityOf(f.Severity) == Urgency.Emergency).Select(f => Triage.RedFlagLabel(f.Id)).Distinct()],
            r.CreatedAt)).ToList();
        return new AlertBanner(alerts, page.Total);
    }
}
