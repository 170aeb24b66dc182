using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace PatientContact.EndToEnd.Tests.Fhir;

/// <summary>
/// Reads FHIR JSON back with the Firely SDK's strict parser, and validates it with the Firely validator against
/// the FHIR R4 specification (every base StructureDefinition, its invariants and its required bindings, from the
/// specification package). The UK Core profiles named in <c>meta.profile</c> are not in any package served here,
/// so they are set aside and each resource is validated against its base R4 definition.
/// </summary>
public static class FhirValidation
{
    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        var settings = new ValidationSettings
        {
            SelectValidationProfiles = (_, profiles, _, _) => [.. profiles.Where(p => !p.ToString().StartsWith("https://fhir.hl7.org.uk/", StringComparison.Ordinal))],
        };
        return new Validator(source.AsAsync(), LocalTerminologyService.CreateDefaultForCore(source.AsAsync()), null, settings);
    });

    /// <summary>Parses the JSON strictly: an unknown element, a wrong type or a malformed value throws.</summary>
    public static T Parse<T>(string json) where T : Resource => JsonSerializer.Deserialize<T>(json, Strict).ShouldNotBeNull();

    /// <summary>The validator's errors (and fatal issues), each as "location: message"; empty when the resource is valid.</summary>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        var outcome = Validator.Value.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")];
    }
}
