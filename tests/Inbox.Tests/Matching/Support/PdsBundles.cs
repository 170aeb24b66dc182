using System.Text.Json.Nodes;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Tests.Matching.Support;

/// <summary>Search answers built from the published example patients, changed only where a test needs to.</summary>
public static class PdsBundles
{
    /// <summary>Jane Smith, 9000000009, as PDS's sandbox returns her from a search.</summary>
    public static JsonObject Jane() => Patient("sandbox-stubs/searchResponses/search_patient_9000000009.json");

    public static JsonObject Patient(string fixture) => JsonNode.Parse(PdsFixtures.Read(fixture))!.AsObject();

    /// <summary>The patient with these contact points (FHIR telecom) instead of the example's.</summary>
    public static JsonObject WithTelecom(this JsonObject patient, params (string System, string Value, string? End)[] telecom)
    {
        patient["telecom"] = new JsonArray([.. telecom.Select(t =>
        {
            var point = new JsonObject { ["system"] = t.System, ["value"] = t.Value, ["use"] = "mobile" };
            var period = new JsonObject { ["start"] = "2020-01-01" };
            if (t.End is not null)
            {
                period["end"] = t.End;
            }

            point["period"] = period;
            return (JsonNode)point;
        })]);
        return patient;
    }

    /// <summary>A searchset Bundle as PDS sends it: total, and each patient with its fullUrl and score.</summary>
    public static FakeAnswer Searchset(params JsonObject[] patients)
    {
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["timestamp"] = "2026-11-26T10:00:00+00:00",
            ["total"] = patients.Length,
        };
        if (patients.Length > 0)
        {
            bundle["entry"] = new JsonArray([.. patients.Select(p => (JsonNode)new JsonObject
            {
                ["fullUrl"] = $"https://api.service.nhs.uk/personal-demographics/FHIR/R4/Patient/{p["id"]}",
                ["search"] = new JsonObject { ["score"] = 1 },
                ["resource"] = p,
            })]);
        }

        return new FakeAnswer(200, bundle.ToJsonString());
    }

    /// <summary>A request as the conversation stores it on submission: not yet checked.</summary>
    public static ContactRequest Request(
        string referenceId,
        string phone = "+447700900123",
        bool verified = true,
        DateOnly? born = null,
        DateTimeOffset? at = null) => new()
    {
        ReferenceId = referenceId,
        ServiceId = "riverside-gp",
        RequestTypeId = "medical",
        RequestType = "Medical request",
        Details = "A cough for two weeks",
        CreatedAt = at ?? new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero),
        UpdatedAt = at ?? new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero),
        Patient = new PatientDetails("Jane", "Smith", born ?? new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"),
        SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
        Contact = new ContactDetails(phone, verified, ContactPreference.Text),
        Channel = Channel.WebChat,
        ConversationKey = "test:" + referenceId,
    };
}
