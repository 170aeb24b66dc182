using System.Globalization;
using System.Text;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>Administrative gender as PDS writes it.</summary>
public enum PdsGender { Male, Female, Other, Unknown }

/// <summary>
/// The parameters of one <c>GET /Patient</c> search. <see cref="ToQueryString"/> refuses a combination
/// PDS would refuse, so a bad search fails here, without a call and without personal data in the message.
/// </summary>
public sealed record PdsSearch
{
    public const int MaxNameLength = 35;

    public string? Family { get; init; }

    /// <summary>First and middle names in order; a compound first name ("John Paul") is one value.</summary>
    public IReadOnlyList<string> Given { get; init; } = [];

    public PdsGender? Gender { get; init; }

    public required DateOnly BirthDate { get; init; }

    public string? Postcode { get; init; }

    public bool FuzzyMatch { get; init; }

    public bool ExactMatch { get; init; }

    public bool History { get; init; }

    /// <summary>1 to 50; application-restricted access allows only 1.</summary>
    public int? MaxResults { get; init; }

    /// <summary>The query string, without the leading '?'. Throws <see cref="ArgumentException"/> naming the rule broken.</summary>
    public string ToQueryString()
    {
        Validate();
        var query = new StringBuilder();
        if (Family is not null)
        {
            Add(query, "family", Family.Trim());
        }

        foreach (var given in Given)
        {
            Add(query, "given", given.Trim());
        }

        if (Gender is { } gender)
        {
            Add(query, "gender", gender.ToString().ToLowerInvariant());
        }

        Add(query, "birthdate", "eq" + BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Postcode is not null)
        {
            Add(query, "address-postalcode", Postcode.Trim());
        }

        // Only ever sent when true: PDS's own sandbox reads any non-empty value, even "false", as true.
        if (FuzzyMatch)
        {
            Add(query, "_fuzzy-match", "true");
        }

        if (ExactMatch)
        {
            Add(query, "_exact-match", "true");
        }

        if (History)
        {
            Add(query, "_history", "true");
        }

        if (MaxResults is { } max)
        {
            Add(query, "_max-results", max.ToString(CultureInfo.InvariantCulture));
        }

        return query.ToString();
    }

    private void Validate()
    {
        CheckName(Family, "family");
        foreach (var given in Given)
        {
            CheckName(given, "given");
        }

        if (Postcode is not null && (string.IsNullOrWhiteSpace(Postcode) || Postcode.Length > 10))
        {
            throw new ArgumentException("The postcode is empty or longer than a postcode can be.", nameof(Postcode));
        }

        if (MaxResults is < 1 or > 50)
        {
            throw new ArgumentException("_max-results must be from 1 to 50.", nameof(MaxResults));
        }

        if (FuzzyMatch)
        {
            if (Wildcard(Family) || Given.Any(Wildcard) || Wildcard(Postcode))
            {
                throw new ArgumentException("A fuzzy search cannot use wildcards.");
            }

            var hasFamily = Family is not null;
            var hasGiven = Given.Count > 0;
            var hasGenderAndPostcode = Gender is not null && Postcode is not null;
            if (!(hasGiven && hasFamily) && !(hasFamily && hasGenderAndPostcode) && !(hasGiven && hasGenderAndPostcode))
            {
                throw new ArgumentException(
                    "A fuzzy search needs given + family + birthdate, family + birthdate + gender + postcode, or given + birthdate + gender + postcode.");
            }
        }
        else if (Family is null)
        {
            throw new ArgumentException("A search that is not fuzzy needs the family name and the date of birth.", nameof(Family));
        }
    }

    private static void CheckName(string? value, string field)
    {
        if (value is null)
        {
            return;
        }

        var trimmed = value.Trim();
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"'{field}' must be 1 to {MaxNameLength} characters.", field);
        }

        var star = trimmed.IndexOf('*', StringComparison.Ordinal);
        if (star is 0 or 1)
        {
            throw new ArgumentException($"'{field}' cannot have a wildcard in its first two characters.", field);
        }
    }

    private static bool Wildcard(string? value) => value?.Contains('*', StringComparison.Ordinal) == true;

    private static void Add(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}
