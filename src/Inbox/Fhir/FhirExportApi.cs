using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Web;

namespace PatientContact.Inbox.Fhir;

/// <summary>
/// <c>GET /api/inbox/requests/{referenceId}/fhir</c>: the request as a FHIR R4 bundle (<see cref="RequestBundle"/>),
/// for the same people and integrations, with the same access and audit, as the JSON read.
/// </summary>
public static class FhirExportApi
{
    public static RouteGroupBuilder MapFhirExport(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/requests/{referenceId}/fhir", GetAsync)
            .WithSummary("The request as a FHIR R4 Bundle (collection): QuestionnaireResponse, Patient, RelatedPerson, Task, Flag, Communication, Media (UK Core profiles).")
            .Produces<string>(StatusCodes.Status200OK, FhirJson.MediaType)
            .Produces(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<ContentHttpResult, NotFound>> GetAsync(
        string referenceId, HttpContext context, RequestAccess access, RequestBundles bundles, PublicAddress address, StaffAudit audit, CancellationToken cancellationToken)
    {
        var staff = StaffMember.From(context.User)!;
        var request = await access.FindAsync(staff, referenceId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        var bundle = await bundles.BuildAsync(request, address.Origin(context.Request), cancellationToken);
        await audit.WriteAsync(staff.Email, AuditActions.Exported, request.ServiceId, request.ReferenceId, "fhir", cancellationToken);
        return TypedResults.Content(FhirJson.Serialize(bundle), FhirJson.MediaType);
    }
}
