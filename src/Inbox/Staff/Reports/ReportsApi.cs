using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Staff.SignIn;

namespace PatientContact.Inbox.Staff.Reports;

/// <summary><c>GET /api/inbox/reports/weekly?serviceId={id}&amp;week=YYYY-Www</c>: the weekly data file as CSV, same cookie and services as the inbox.</summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/reports/weekly", WeeklyAsync);
        return api;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, NotFound>> WeeklyAsync(
        HttpContext context, string? serviceId, string? week, InboxReports reports, StaffAudit audit, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var result = await reports.WeeklyAsync(staff, serviceId, week, cancellationToken);
        if (result.Csv is null)
        {
            // Another service's file reads exactly as one that does not exist.
            return result.Field == "serviceId" && !string.IsNullOrWhiteSpace(serviceId)
                ? TypedResults.NotFound()
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [result.Field!] = [result.Problem!] });
        }

        await audit.WriteAsync(staff.Email, AuditActions.WeeklyFileDownloaded, result.FileName is null ? null : serviceId, null, $"{result.Week}; api", cancellationToken);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(result.Csv), WeeklyFile.ContentType, result.FileName);
    }
}
