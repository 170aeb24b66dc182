using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>
/// Reads PDS's FHIR JSON: a searchset Bundle of Patients, or an OperationOutcome (TOO_MANY_MATCHES comes
/// as HTTP 200, so every 200 is checked for its resourceType). Only the fields matching needs are read.
/// </summary>
public static partial class PdsResponseReader
{
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
    public const string TooManyMatchesCode = "TOO_MANY_MATCHES";

    /// <summary>Reads a 200 answer. Throws <see cref="PdsUnavailableException"/> (UnexpectedResponse) for anything else.</summary>
    public static PdsSearchResult ReadSearch(string json)
    {
        using var document = Parse(json, HttpStatusCode.OK);
        var root = document.RootElement;
        switch (String(root, "resourceType"))
        {
            case "Bundle" when String(root, "type") == "searchset":
                var patients = new List<PdsPatient>();
                if (root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in entries.EnumerateArray())
                    {
                        if (entry.TryGetProperty("resource", out var resource) && String(resource, "resourceType") == "Patient")
                        {
                            double? score = entry.TryGetProperty("search", out var search) && search.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number
                                ? s.GetDouble()
                                : null;
                            patients.Add(ReadPatient(resource, score));
                        }
                    }
                }

                return new PdsSearchResult(false, patients);

            case "OperationOutcome":
                var code = ReadErrorCode(root);
                if (code == TooManyMatchesCode)
                {
                    return PdsSearchResult.TooMany;
                }

                throw new PdsUnavailableException(PdsFailure.UnexpectedResponse, HttpStatusCode.OK, code);

            default:
                throw new PdsUnavailableException(PdsFailure.UnexpectedResponse, HttpStatusCode.OK);
        }
    }

    /// <summary>The Spine error code of an OperationOutcome body, or null when the body is not one.</summary>
    public static string? ReadErrorCode(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return String(document.RootElement, "resourceType") == "OperationOutcome" ? ReadErrorCode(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadErrorCode(JsonElement outcome)
    {
        if (!outcome.TryGetProperty("issue", out var issues) || issues.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var issue in issues.EnumerateArray())
        {
            if (issue.TryGetProperty("details", out var details) && details.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
            {
                foreach (var coding in codings.EnumerateArray())
                {
                    // Only a code-shaped value is kept: it goes into messages and logs, so nothing else may pass.
                    if (String(coding, "code") is { } code && ErrorCodeShape().IsMatch(code))
                    {
                        return code;
                    }
                }
            }
        }

        return null;
    }

    private static PdsPatient ReadPatient(JsonElement patient, double? score)
    {
        var nhsNumber = string.Empty;
        if (patient.TryGetProperty("identifier", out var identifiers) && identifiers.ValueKind == JsonValueKind.Array)
        {
            foreach (var identifier in identifiers.EnumerateArray())
            {
                if (String(identifier, "system") == NhsNumberSystem && String(identifier, "value") is { } value)
                {
                    nhsNumber = value;
                    break;
                }
            }
        }

        if (nhsNumber.Length == 0)
        {
            nhsNumber = String(patient, "id") ?? string.Empty;
        }

        var restricted = false;
        if (patient.TryGetProperty("meta", out var meta) && meta.TryGetProperty("security", out var security) && security.ValueKind == JsonValueKind.Array)
        {
            restricted = security.EnumerateArray().Any(s => String(s, "code") is "R" or "V");
        }

        string? family = null;
        IReadOnlyList<string> given = [];
        if (patient.TryGetProperty("name", out var names) && names.ValueKind == JsonValueKind.Array)
        {
            // The usual name when there is one; search results may also carry nickname and temp names.
            var name = names.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(n => String(n!.Value, "use") == "usual")
                ?? names.EnumerateArray().Cast<JsonElement?>().FirstOrDefault();
            if (name is { } usual)
            {
                family = String(usual, "family");
                given = Strings(usual, "given");
            }
        }

        string? postcode = null;
        if (patient.TryGetProperty("address", out var addresses) && addresses.ValueKind == JsonValueKind.Array)
        {
            var home = addresses.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(a => String(a!.Value, "use") == "home")
                ?? addresses.EnumerateArray().Cast<JsonElement?>().FirstOrDefault();
            postcode = home is { } address ? String(address, "postalCode") : null;
        }

        var telecom = new List<PdsTelecom>();
        if (patient.TryGetProperty("telecom", out var points) && points.ValueKind == JsonValueKind.Array)
        {
            foreach (var point in points.EnumerateArray())
            {
                if (String(point, "system") is { } system && String(point, "value") is { } value)
                {
                    DateOnly? start = null, end = null;
                    if (point.TryGetProperty("period", out var period))
                    {
                        start = Date(String(period, "start"));
                        end = Date(String(period, "end"));
                    }

                    telecom.Add(new PdsTelecom(system, value, String(point, "use"), start, end));
                }
            }
        }

        var deceased = patient.TryGetProperty("deceasedDateTime", out _) ||
            (patient.TryGetProperty("deceasedBoolean", out var flag) && flag.ValueKind == JsonValueKind.True);

        return new PdsPatient(
            nhsNumber, restricted, score, family, given, String(patient, "gender"), Date(String(patient, "birthDate")), postcode, deceased, telecom);
    }

    private static JsonDocument Parse(string json, HttpStatusCode status)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new PdsUnavailableException(PdsFailure.UnexpectedResponse, status);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static List<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    private static DateOnly? Date(string? value)
    {
        // FHIR dates may be a year, a year-month, a date or a date-time; only whole dates are compared.
        if (value is null || value.Length < 10)
        {
            return null;
        }

        return DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    [GeneratedRegex("^[A-Z][A-Z_]{1,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodeShape();
}
