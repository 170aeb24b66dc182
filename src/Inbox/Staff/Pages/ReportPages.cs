using Microsoft.AspNetCore.Http;
using PatientContact.Inbox.Staff.Reports;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Pages;

/// <summary><c>GET /inbox/reports</c> (the charts) and <c>GET /inbox/reports/weekly</c> (the weekly file as a download), for signed-in staff.</summary>
internal static class ReportPages
{
    public static async Task<IResult> ReportsAsync(HttpContext context, string? service, InboxReports reports, IRuleBookProvider rules, StaffAudit audit) =>
        await RenderAsync(context, service, reports, rules, audit, null, null, [], StatusCodes.Status200OK);

    public static async Task<IResult> WeeklyAsync(HttpContext context, string? serviceId, string? week, InboxReports reports, IRuleBookProvider rules, StaffAudit audit)
    {
        var staff = StaffMember.From(context.User)!;
        var result = await reports.WeeklyAsync(staff, serviceId, week, context.RequestAborted);
        if (result.Csv is null)
        {
            return await RenderAsync(context, null, reports, rules, audit, serviceId, week, [new FieldProblem(result.Field!, result.Problem!)], StatusCodes.Status400BadRequest);
        }

        await audit.WriteAsync(staff.Email, AuditActions.WeeklyFileDownloaded, serviceId, null, $"{result.Week}; page", context.RequestAborted);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(result.Csv), WeeklyFile.ContentType, result.FileName);
    }

    private static async Task<IResult> RenderAsync(
        HttpContext context, string? service, InboxReports reports, IRuleBookProvider rules, StaffAudit audit,
        string? weeklyServiceId, string? week, IReadOnlyList<FieldProblem> problems, int status)
    {
        var staff = StaffMember.From(context.User)!;
        var chosen = service is not null && staff.WorksFor(service) ? service : null;
        IReadOnlyList<string> serviceIds = chosen is null ? staff.ServiceIds : [chosen];
        var report = await reports.BuildAsync(serviceIds, context.RequestAborted);
        await audit.WriteAsync(staff.Email, AuditActions.ReportsViewed, serviceIds.Count == 1 ? serviceIds[0] : null, null,
            $"{report.FirstDay:yyyy-MM-dd} to {report.LastDay:yyyy-MM-dd}: {string.Join(" ", serviceIds)}", context.RequestAborted);
        var services = staff.ServiceIds.Select(rules.Current.FindService).OfType<ServiceDefinition>().ToList();
        var model = new ReportsModel(InboxPages.Chrome(context, "Reports", "reports"), report, services, chosen, reports.LastCompleteWeek(), weeklyServiceId, week, problems);
        return InboxPages.Page<ReportsPage>(model, status);
    }
}
