using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>
/// <c>GET /api/inbox/requests</c> and <c>GET /api/inbox/requests/{referenceId}</c>: the inbox as JSON, for the
/// same signed-in staff and with the same access as the pages. Every read is audited as an export.
/// </summary>
public static class InboxApi
{
    public static RouteGroupBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/inbox").RequireAuthorization(StaffClaims.Policy).WithTags("Inbox");
        api.AddEndpointFilter(async (context, next) =>
        {
            // Patient data: never kept by a browser or proxy cache.
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        api.MapGet("/requests", ListAsync);
        api.MapGet("/requests/{referenceId}", GetAsync);
        api.MapGet("/audit", AuditAsync);
        return api;
    }

    private static async Task<Results<JsonHttpResult<RequestListJson>, ValidationProblem>> ListAsync(
        HttpContext context, IRequestStore requests, StaffAudit audit, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var (filter, problems) = InboxFilter.Parse(context.Request.Query);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var page = await requests.ListAsync(filter.ToQuery(staff), cancellationToken);
        await audit.WriteAsync(staff.Email, AuditActions.ListExported, SingleService(staff, filter), null,
            $"{filter.Describe()}; {page.Items.Count} of {page.Total}: {string.Join(" ", page.Items.Select(r => r.ReferenceId))}", cancellationToken);
        return TypedResults.Json(new RequestListJson([.. page.Items.Select(RequestJson.From)], page.Total, page.Page, page.PageSize), InboxJson.Options);
    }

    private static async Task<Results<JsonHttpResult<RequestJson>, NotFound>> GetAsync(
        string referenceId, HttpContext context, RequestAccess access, StaffAudit audit, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(staff.Email, AuditActions.Exported, request.ServiceId, request.ReferenceId, "api", cancellationToken);
        return TypedResults.Json(RequestJson.From(request), InboxJson.Options);
    }

    /// <summary><c>GET /api/inbox/audit?referenceId=&amp;actor=&amp;service=&amp;from=&amp;to=</c>, administrators only.</summary>
    private static async Task<Results<JsonHttpResult<IReadOnlyList<AuditEntryJson>>, NotFound, ValidationProblem>> AuditAsync(
        HttpContext context, IAuditStore store, StaffAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        if (!staff.IsAdministrator)
        {
            return TypedResults.NotFound();
        }

        var (query, problems) = AuditFilter.Parse(context.Request.Query, time.GetUtcNow());
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var entries = await store.QueryAsync(query, cancellationToken);
        await audit.WriteAsync(staff.Email, AuditActions.AuditQueried, query.ServiceId, query.ReferenceId, $"api; {AuditFilter.Describe(query)}", cancellationToken);
        IReadOnlyList<AuditEntryJson> json = [.. entries.Select(e => new AuditEntryJson(InboxText.IsoTime(e.At), e.Actor, e.Action, e.ServiceId, e.ReferenceId, e.Detail))];
        return TypedResults.Json(json, InboxJson.Options);
    }

    /// <summary>The service an entry is about when there is just one; null when a list spans several.</summary>
    public static string? SingleService(StaffMember staff, InboxFilter filter) =>
        filter.ServiceId is { } service && staff.WorksFor(service) ? service
        : staff.ServiceIds.Count == 1 ? staff.ServiceIds[0]
        : null;
}
