using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Fhir;
using PatientContact.Inbox.Staff.Reports;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>
/// <c>GET /api/inbox/requests</c> and <c>GET /api/inbox/requests/{referenceId}</c>: the inbox as JSON, for the
/// same signed-in staff and with the same access as the pages, and for integrations with a bearer token
/// (<see cref="IntegrationAuthentication"/>). Every read is audited as an export.
/// <c>POST /api/inbox/requests/{referenceId}/messages</c> texts the patient, as the page's form does; it takes the
/// anti-forgery token <c>GET /api/inbox/antiforgery</c> gives in the header that call names.
/// </summary>
public static class InboxApi
{
    public static RouteGroupBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/inbox").RequireAuthorization(IntegrationAuthentication.ApiPolicy).WithTags("Inbox");
        api.AddEndpointFilter(async (context, next) =>
        {
            // Patient data: never kept by a browser or proxy cache.
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        // JSON results carry no response type of their own: named here for the OpenAPI document.
        api.MapGet("/requests", ListAsync).Produces<RequestListJson>();
        api.MapGet("/requests/{referenceId}", GetAsync).Produces<RequestJson>();
        api.MapPost("/requests/{referenceId}/messages", SendMessageAsync);
        api.MapAttachments();
        api.MapGet("/antiforgery", Antiforgery);
        api.MapGet("/audit", AuditAsync).Produces<IReadOnlyList<AuditEntryJson>>();
        api.MapReportsApi();
        api.MapInboxApiChanges();
        api.MapFhirExport();
        return api;
    }

    private static async Task<Results<JsonHttpResult<RequestListJson>, ValidationProblem>> ListAsync(
        HttpContext context, IRequestStore requests, IMessageStore messages, StaffAudit audit, TimeProvider time, CancellationToken cancellationToken)
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
        var now = time.GetUtcNow();
        var items = new List<RequestJson>(page.Items.Count);
        foreach (var request in page.Items)
        {
            items.Add(RequestJson.From(request, now, await messages.ListForRequestAsync(request.ReferenceId, cancellationToken)));
        }

        return TypedResults.Json(new RequestListJson(items, page.Total, page.Page, page.PageSize), InboxJson.Options);
    }

    /// <remarks>Reading through the API leaves the patient's messages unread: only a person opening the request's page, or replying, marks them seen.</remarks>
    private static async Task<Results<JsonHttpResult<RequestJson>, NotFound>> GetAsync(
        string referenceId, HttpContext context, RequestAccess access, IMessageStore messages, StaffAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        await audit.WriteAsync(staff.Email, AuditActions.Exported, request.ServiceId, request.ReferenceId, "api", cancellationToken);
        return TypedResults.Json(RequestJson.From(request, time.GetUtcNow(), await messages.ListForRequestAsync(request.ReferenceId, cancellationToken)), InboxJson.Options);
    }

    /// <summary>
    /// Texts the patient, exactly as the page's "Text the patient" does: 201 with the stored message, 400 with the
    /// reason (nothing sent), 404 for a request the person may not see. An <c>Idempotency-Key</c> header makes a retried
    /// call send once (the same message is the answer).
    /// </summary>
    private static async Task<Results<Created<MessageJson>, NotFound, ValidationProblem, BadRequest<string>>> SendMessageAsync(
        string referenceId, HttpContext context, IAntiforgery antiforgery, RequestChanges changes, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest("The anti-forgery token is missing or wrong: get one from GET /api/inbox/antiforgery and send it in the header it names.");
        }

        NewMessageJson? input;
        try
        {
            input = await context.Request.ReadFromJsonAsync<NewMessageJson>(InboxJson.Options, cancellationToken);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send JSON like {\"body\": \"the text\"}."] });
        }

        var result = await changes.TextPatientAsync(staff, referenceId, input?.Body, context.Request.Headers["Idempotency-Key"].ToString(), cancellationToken);
        return result.Outcome switch
        {
            ChangeOutcome.NotFound => TypedResults.NotFound(),
            ChangeOutcome.Changed when result.Message is { } message =>
                TypedResults.Created($"/api/inbox/requests/{Uri.EscapeDataString(result.Request!.ReferenceId)}", MessageJson.From(message)),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [result.Problem ?? "The text could not be sent."] }),
        };
    }

    /// <summary>The anti-forgery token for this session, and the header the API takes it in.</summary>
    private static JsonHttpResult<AntiforgeryJson> Antiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Json(new AntiforgeryJson(tokens.HeaderName!, tokens.RequestToken!), InboxJson.Options);
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
