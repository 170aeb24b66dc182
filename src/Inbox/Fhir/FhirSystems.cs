namespace PatientContact.Inbox.Fhir;

/// <summary>
/// The identifier and code systems the FHIR export uses: NHS England's where one exists (NHS number, ODS code),
/// UK Core's and HL7's for the codes they define, and the deployment's own address for what only this service
/// names (reference IDs, request types, red-flag rules), so two deployments never mint the same identifier.
/// </summary>
public static class FhirSystems
{
    public const string NhsNumber = "https://fhir.nhs.uk/Id/nhs-number";
    public const string OdsOrganisationCode = "https://fhir.nhs.uk/Id/ods-organization-code";

    public const string NhsNumberVerificationStatusExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    public const string NhsNumberVerificationStatus = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

    public const string FlagCategory = "http://terminology.hl7.org/CodeSystem/flag-category";
    public const string FlagPriorityExtension = "http://hl7.org/fhir/StructureDefinition/flag-priority";
    public const string FlagPriority = "http://hl7.org/fhir/flag-priority-code";
    public const string AdministrativeGender = "http://hl7.org/fhir/administrative-gender";
    public const string MediaType = "http://terminology.hl7.org/CodeSystem/media-type";

    /// <summary>UK Core profiles, claimed in each resource's <c>meta.profile</c>.</summary>
    public static class Profiles
    {
        private const string Base = "https://fhir.hl7.org.uk/StructureDefinition/";
        public const string Patient = Base + "UKCore-Patient";
        public const string RelatedPerson = Base + "UKCore-RelatedPerson";
        public const string QuestionnaireResponse = Base + "UKCore-QuestionnaireResponse";
        public const string Task = Base + "UKCore-Task";
        public const string Flag = Base + "UKCore-Flag";
        public const string Communication = Base + "UKCore-Communication";
        public const string Media = Base + "UKCore-Media";
    }

    /// <summary>The reference IDs patients are given, under this deployment's public address.</summary>
    public static string ReferenceId(string publicBaseUrl) => $"{Trim(publicBaseUrl)}/fhir/Id/reference-id";

    /// <summary>The request types of <c>rules/request-types.json</c> (their rule ids).</summary>
    public static string RequestType(string publicBaseUrl) => $"{Trim(publicBaseUrl)}/fhir/CodeSystem/request-type";

    /// <summary>The red-flag rules of <c>rules/red-flags.json</c> (their rule ids).</summary>
    public static string RedFlag(string publicBaseUrl) => $"{Trim(publicBaseUrl)}/fhir/CodeSystem/red-flag";

    private static string Trim(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.TrimEnd('/');
    }
}
