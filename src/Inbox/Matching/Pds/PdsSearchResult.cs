namespace PatientContact.Inbox.Matching.Pds;

/// <summary>What a successful search said: the patients found, or that too many matched to return any.</summary>
public sealed record PdsSearchResult(bool TooManyMatches, IReadOnlyList<PdsPatient> Patients)
{
    public static PdsSearchResult TooMany { get; } = new(true, []);
}

/// <summary>The parts of a PDS search result the matching policy reads.</summary>
/// <param name="Restricted">A sensitive record (<c>meta.security</c> code R): PDS removes its address, telecom and GP.</param>
/// <param name="Score">The search score, 0 to 1, where 1 is an exact match.</param>
public sealed record PdsPatient(
    string NhsNumber,
    bool Restricted,
    double? Score,
    string? Family,
    IReadOnlyList<string> Given,
    string? Gender,
    DateOnly? BirthDate,
    string? Postcode,
    bool Deceased,
    IReadOnlyList<PdsTelecom> Telecom);

/// <summary>One contact point from the record. <see cref="System"/> is FHIR's: phone, sms, email, other, ...</summary>
public sealed record PdsTelecom(string System, string Value, string? Use, DateOnly? PeriodStart, DateOnly? PeriodEnd)
{
    /// <summary>In use on <paramref name="day"/>: a number whose period has ended may since belong to someone else.</summary>
    public bool IsCurrentOn(DateOnly day) => (PeriodStart is null || PeriodStart <= day) && (PeriodEnd is null || PeriodEnd >= day);
}
