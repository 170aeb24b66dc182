using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using PatientContact.Inbox.Matching;

namespace PatientContact.Conversation.Dev.Pds;

/// <summary>
/// A local stand-in for PDS's <c>GET /Patient</c> (and <c>GET /Patient/{id}</c>) at <c>/dev/pds</c>, over a
/// file of fictional patients, so the real PDS client can be run end to end without NHS credentials.
/// Mapped in Development only; everywhere else the path does not exist (404).
/// </summary>
public static partial class DevPdsEndpoints
{
    public const string Prefix = "/dev/pds";
    public const string FhirJson = "application/fhir+json";
    public const string DefaultPatientsFile = "Dev/Pds/patients.json";

    public static WebApplication MapDevPds(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            return app;
        }

        var file = app.Configuration["Pds:Dev:PatientsFile"] ?? DefaultPatientsFile;
        var path = Path.IsPathRooted(file) ? file : Path.Combine(app.Environment.ContentRootPath, file);
        if (!File.Exists(path))
        {
            path = Path.Combine(AppContext.BaseDirectory, file);
        }

        var patients = new Lazy<IReadOnlyList<JsonObject>>(() => Load(path));
        var group = app.MapGroup(Prefix);

        group.MapGet("/Patient", (HttpContext context, TimeProvider time) =>
        {
            if (CheckHeaders(context) is { } refused)
            {
                return refused;
            }

            var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);
            var outcome = DevPdsSearch.Search(query, patients.Value);
            if (outcome.Error is not null)
            {
                return Fhir(outcome.Error, outcome.Status);
            }

            if (outcome.TooMany)
            {
                return Fhir(DevPdsSearch.OperationOutcome("information", "multiple-matches", "TOO_MANY_MATCHES", "Too Many Matches", null), 200);
            }

            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{Prefix}";
            var bundle = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "searchset",
                ["timestamp"] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture),
                ["total"] = outcome.Matches.Count,
            };
            if (outcome.Matches.Count > 0)
            {
                bundle["entry"] = new JsonArray([.. outcome.Matches.Select(m => (JsonNode)new JsonObject
                {
                    ["fullUrl"] = $"{baseUrl}/Patient/{m.Patient["id"]}",
                    ["search"] = new JsonObject { ["score"] = m.Score },
                    ["resource"] = m.Patient.DeepClone(),
                })]);
            }

            return Fhir(bundle, 200);
        });

        group.MapGet("/Patient/{id}", (HttpContext context, string id) =>
        {
            if (CheckHeaders(context) is { } refused)
            {
                return refused;
            }

            if (!NhsNumber.IsValid(id))
            {
                return Fhir(DevPdsSearch.OperationOutcome("error", "value", "INVALID_RESOURCE_ID", "Resource Id is invalid", null), 400);
            }

            var patient = patients.Value.FirstOrDefault(p => (string?)p["id"] == id);
            return patient is null
                ? Fhir(DevPdsSearch.OperationOutcome("information", "not-found", "RESOURCE_NOT_FOUND", "Resource not found", null), 404)
                : Fhir(patient.DeepClone(), 200);
        });

        return app;
    }

    /// <summary>X-Request-ID must be a UUID (and is echoed back); an Authorization header, when sent, must be a bearer token.</summary>
    private static IResult? CheckHeaders(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var requestId = request.Headers["X-Request-ID"];
        if (StringValues.IsNullOrEmpty(requestId) && !request.Headers.ContainsKey("X-Request-ID"))
        {
            return Fhir(DevPdsSearch.OperationOutcome("error", "required", "MISSING_VALUE", "Required value is missing",
                "Invalid request with error - X-Request-ID header must be supplied to access this resource"), 400);
        }

        if (!Uuid().IsMatch(requestId.ToString()))
        {
            return Fhir(DevPdsSearch.OperationOutcome("error", "value", "INVALID_VALUE", "Provided value is invalid",
                $"Invalid value - '{requestId}' in header 'X-Request-ID'"), 400);
        }

        response.Headers["X-Request-ID"] = requestId;
        if (request.Headers.TryGetValue("X-Correlation-ID", out var correlation))
        {
            response.Headers["X-Correlation-ID"] = correlation;
        }

        if (request.Headers.TryGetValue("Authorization", out var authorization))
        {
            var parts = authorization.ToString().Split(' ');
            if (parts is not ["Bearer", { Length: > 0 }])
            {
                return Fhir(DevPdsSearch.OperationOutcome("error", "forbidden", "ACCESS_DENIED", "Access Denied - Unauthorised", "Missing access token"), 401);
            }
        }

        return null;
    }

    private static IResult Fhir(JsonNode body, int status) =>
        Results.Text(body.ToJsonString(), FhirJson, System.Text.Encoding.UTF8, status);

    private static IReadOnlyList<JsonObject> Load(string path)
    {
        using var stream = File.OpenRead(path);
        var document = JsonNode.Parse(stream) ?? throw new InvalidDataException($"{path} is empty.");
        var patients = document["patients"]?.AsArray().OfType<JsonObject>().ToList()
            ?? throw new InvalidDataException($"{path} has no 'patients' array.");
        foreach (var patient in patients)
        {
            var id = (string?)patient["id"];
            if (!NhsNumber.IsValid(id))
            {
                throw new InvalidDataException($"{path}: patient id '{id}' is not a valid NHS number.");
            }
        }

        return patients;
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();
}
