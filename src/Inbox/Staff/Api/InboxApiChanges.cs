using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>The status a caller sets, and the request's version they last read (so a change made meanwhile is not overwritten).</summary>
public sealed record StatusChangeJson(string? Status, long Version);

/// <summary>
/// <c>POST /api/inbox/requests/{referenceId}/status</c>: what a GP system does once it has taken a
/// request (in-progress, done). The same change, checks and audit as a member of staff's on the
/// detail page; an integration needs <c>inbox.write:{serviceId}</c> for it.
/// </summary>
public static class InboxApiChanges
{
    public static RouteGroupBuilder MapInboxApiChanges(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/requests/{referenceId}/status", ChangeStatusAsync).DisableAntiforgery().Produces<RequestJson>();
        return api;
    }

    private static async Task<Results<JsonHttpResult<RequestJson>, NotFound, ValidationProblem, Conflict<RequestJson>>> ChangeStatusAsync(
        string referenceId, StatusChangeJson change, HttpContext context, RequestChanges changes, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var result = await changes.ChangeStatusAsync(staff, referenceId, change.Status, change.Version, cancellationToken);
        return result.Outcome switch
        {
            ChangeOutcome.Changed => TypedResults.Json(RequestJson.From(result.Request!, time.GetUtcNow()), InboxJson.Options),
            ChangeOutcome.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [result.Field ?? "status"] = [result.Problem ?? "Not a change that can be made."] }),
            ChangeOutcome.Conflict => TypedResults.Conflict(RequestJson.From(result.Request!, time.GetUtcNow())),
            _ => TypedResults.NotFound(),
        };
    }
}
