using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace PatientContact.Conversation.Dev.Pds;

/// <summary>
/// Patient search over the local file, with the rules PDS documents: the same parameters and checks,
/// case-insensitive names, postcodes with spaces ignored, exact by default, a simple fuzzy match on
/// request (Soundex of the names, or the names swapped), <c>_max-results</c> and TOO_MANY_MATCHES.
/// </summary>
public static partial class DevPdsSearch
{
    public const double FuzzyScore = 0.9;

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "_fuzzy-match", "_exact-match", "_history", "_max-results", "family", "given", "gender", "birthdate", "death-date",
        "address-postcode", "address-postalcode", "general-practitioner", "email", "phone",
    };

    /// <summary>Either an error (status and OperationOutcome) or the matching patients with their scores, best first.</summary>
    public sealed record Outcome(int Status, JsonObject? Error, IReadOnlyList<(JsonObject Patient, double Score)> Matches, bool TooMany);

    public static Outcome Search(IReadOnlyDictionary<string, StringValues> query, IReadOnlyList<JsonObject> patients)
    {
        if (query.Count == 0)
        {
            return Fail(400, "processing", "UNSUPPORTED_SERVICE", "Unsupported Service", null);
        }

        var unknown = query.Keys.Where(k => !Known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            return Fail(400, "invariant", "ADDITIONAL_PROPERTIES", "Additional properties",
                $"Invalid request with error - Additional properties are not allowed ({string.Join(", ", unknown.Select(u => $"'{u}'"))} {(unknown.Count == 1 ? "was" : "were")} unexpected)");
        }

        var births = new List<(string Op, DateOnly Date)>();
        foreach (var value in Values(query, "birthdate"))
        {
            var match = DateFilter().Match(value);
            if (!match.Success || !DateOnly.TryParseExact(match.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return InvalidValue(value, "birthdate");
            }

            births.Add((match.Groups[1].Value is { Length: > 0 } op ? op : "eq", date));
        }

        foreach (var value in Values(query, "death-date"))
        {
            if (!DateFilter().IsMatch(value))
            {
                return InvalidValue(value, "death-date");
            }
        }

        if (births.Count == 0)
        {
            return Fail(400, "required", "MISSING_VALUE", "Required value is missing", "Missing value - 'birth_date/birth_date_range_start/birth_date_range_end'");
        }

        bool? fuzzy = Flag(query, "_fuzzy-match"), exact = Flag(query, "_exact-match"), history = Flag(query, "_history");
        foreach (var (name, flag) in new[] { ("_fuzzy-match", fuzzy), ("_exact-match", exact), ("_history", history) })
        {
            if (query.ContainsKey(name) && flag is null)
            {
                return InvalidValue(query[name].ToString(), name);
            }
        }

        var maxResults = 50;
        if (query.TryGetValue("_max-results", out var max) && (!int.TryParse(max.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults is < 1 or > 50))
        {
            return InvalidValue(max.ToString(), "_max-results");
        }

        var gender = First(query, "gender");
        if (gender is not null && gender is not ("male" or "female" or "other" or "unknown"))
        {
            return InvalidValue(gender, "gender");
        }

        if (query.ContainsKey("address-postcode") && query.ContainsKey("address-postalcode"))
        {
            return InvalidSearch("Invalid search data provided - 'address-postcode and address-postalcode cannot both be given'");
        }

        var family = First(query, "family");
        var given = Values(query, "given").ToList();
        var postcode = First(query, "address-postalcode") ?? First(query, "address-postcode");
        var gp = First(query, "general-practitioner");
        var isFuzzy = fuzzy == true;

        var wildcards = new[] { family, postcode, gp }.Concat(given).Where(v => v?.Contains('*', StringComparison.Ordinal) == true).ToList();
        if (isFuzzy && wildcards.Count > 0)
        {
            return InvalidSearch("Invalid search data provided - 'Wildcards are not allowed in a fuzzy search'");
        }

        if (wildcards.Any(w => w!.IndexOf('*', StringComparison.Ordinal) < 2))
        {
            return InvalidSearch("Invalid search data provided - 'A wildcard cannot be in the first two characters'");
        }

        if (new[] { family }.Concat(given).Any(n => n is { Length: > 35 }))
        {
            return InvalidSearch("Invalid search data provided - 'Names can be at most 35 characters'");
        }

        var enough = isFuzzy
            ? (given.Count > 0 && family is not null) || (family is not null && gender is not null && postcode is not null) || (given.Count > 0 && gender is not null && postcode is not null)
            : family is not null;
        if (!enough)
        {
            return InvalidSearch("Invalid search data provided - 'No searches were performed as the search criteria did not meet the minimum requirements'");
        }

        var phone = First(query, "phone");
        var email = First(query, "email");
        var matches = new List<(JsonObject, double)>();
        foreach (var patient in patients)
        {
            var restricted = Str(patient["meta"]?["security"]?[0]?["code"]) is "R" or "V";
            // PDS leaves restricted patients out of any search that uses their address or GP.
            if (restricted && (postcode is not null || gp is not null))
            {
                continue;
            }

            var name = UsualName(patient);
            var score = 1.0;
            if (!births.All(b => Compare(Date(Str(patient["birthDate"])), b)))
            {
                continue;
            }

            if (gender is not null && !string.Equals(gender, Str(patient["gender"]), StringComparison.Ordinal))
            {
                continue;
            }

            if (postcode is not null && !Like(Compact(HomePostcode(patient)), Compact(postcode)))
            {
                continue;
            }

            if (gp is not null && patient["generalPractitioner"]?.AsArray().Any(g => string.Equals(Str(g?["identifier"]?["value"]), gp, StringComparison.OrdinalIgnoreCase)) != true)
            {
                continue;
            }

            if (phone is not null && !Telecom(patient, "phone").Any(t => Digits(t) == Digits(phone)))
            {
                continue;
            }

            if (email is not null && !Telecom(patient, "email").Any(t => string.Equals(t, email, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!NamesMatch(name.Family, name.Given, family, given))
            {
                if (!isFuzzy || !FuzzyNamesMatch(name.Family, name.Given, family, given))
                {
                    continue;
                }

                score = FuzzyScore;
            }

            if (exact == true && score < 1.0)
            {
                continue;
            }

            matches.Add((restricted ? Redacted(patient) : patient, score));
        }

        matches.Sort((a, b) => b.Item2 != a.Item2 ? b.Item2.CompareTo(a.Item2) : string.CompareOrdinal(Str(a.Item1["id"]), Str(b.Item1["id"])));
        return matches.Count > maxResults
            ? new Outcome(200, null, [], TooMany: true)
            : new Outcome(200, null, matches, TooMany: false);
    }

    /// <summary>An OperationOutcome in PDS's shape, with its Spine error code.</summary>
    public static JsonObject OperationOutcome(string severity, string issueCode, string spineCode, string display, string? diagnostics)
    {
        var issue = new JsonObject
        {
            ["severity"] = severity,
            ["code"] = issueCode,
            ["details"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject
                {
                    ["system"] = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode",
                    ["version"] = "1",
                    ["code"] = spineCode,
                    ["display"] = display,
                }),
            },
        };
        if (diagnostics is not null)
        {
            issue["diagnostics"] = diagnostics;
        }

        return new JsonObject { ["resourceType"] = "OperationOutcome", ["issue"] = new JsonArray(issue) };
    }

    /// <summary>American Soundex, on letters with their accents removed: Smith and Smythe are both S530.</summary>
    public static string Soundex(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var letters = new StringBuilder();
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetter(c))
            {
                letters.Append(char.ToUpperInvariant(c));
            }
        }

        if (letters.Length == 0)
        {
            return string.Empty;
        }

        var code = new StringBuilder().Append(letters[0]);
        var last = Digit(letters[0]);
        for (var i = 1; i < letters.Length && code.Length < 4; i++)
        {
            var digit = Digit(letters[i]);
            if (digit != '0' && digit != last)
            {
                code.Append(digit);
            }

            // H and W do not separate letters of the same code; vowels do.
            if (letters[i] is not ('H' or 'W'))
            {
                last = digit;
            }
        }

        return code.ToString().PadRight(4, '0');
    }

    private static char Digit(char letter) => letter switch
    {
        'B' or 'F' or 'P' or 'V' => '1',
        'C' or 'G' or 'J' or 'K' or 'Q' or 'S' or 'X' or 'Z' => '2',
        'D' or 'T' => '3',
        'L' => '4',
        'M' or 'N' => '5',
        'R' => '6',
        _ => '0',
    };

    private static bool NamesMatch(string? recordFamily, IReadOnlyList<string> recordGiven, string? family, IReadOnlyList<string> given)
    {
        if (family is not null && !Like(recordFamily, family))
        {
            return false;
        }

        // Each given name asked for is compared with the record's in order; one the record lacks fails the search.
        for (var i = 0; i < given.Count; i++)
        {
            if (i >= recordGiven.Count || !(i == 0 ? Like(recordGiven[i], given[i]) : string.Equals(recordGiven[i], given[i], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool FuzzyNamesMatch(string? recordFamily, IReadOnlyList<string> recordGiven, string? family, IReadOnlyList<string> given)
    {
        var recordFirst = recordGiven.Count > 0 ? recordGiven[0] : null;
        var first = given.Count > 0 ? given[0] : null;
        return (SoundsLike(recordFamily, family) && SoundsLike(recordFirst, first))
            || (family is not null && first is not null && SoundsLike(recordFamily, first) && SoundsLike(recordFirst, family));
    }

    private static bool SoundsLike(string? record, string? asked) =>
        asked is null || (record is not null && Soundex(record) == Soundex(asked));

    /// <summary>Case-insensitive equality, or a prefix match where the pattern has a <c>*</c>.</summary>
    private static bool Like(string? value, string pattern)
    {
        if (value is null)
        {
            return false;
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);
        }

        var regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(value, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    private static bool Compare(DateOnly? value, (string Op, DateOnly Date) filter) => value is { } date && filter.Op switch
    {
        "ge" => date >= filter.Date,
        "le" => date <= filter.Date,
        _ => date == filter.Date,
    };

    private static JsonObject Redacted(JsonObject patient)
    {
        var copy = patient.DeepClone().AsObject();
        foreach (var removed in new[] { "address", "telecom", "contact", "generalPractitioner" })
        {
            copy.Remove(removed);
        }

        return copy;
    }

    private static (string? Family, IReadOnlyList<string> Given) UsualName(JsonObject patient)
    {
        var names = patient["name"]?.AsArray();
        var name = names?.FirstOrDefault(n => Str(n?["use"]) == "usual") ?? names?.FirstOrDefault();
        var given = name?["given"]?.AsArray().Select(g => Str(g)).OfType<string>().ToList() ?? [];
        return (Str(name?["family"]), given);
    }

    private static string? HomePostcode(JsonObject patient)
    {
        var addresses = patient["address"]?.AsArray();
        var home = addresses?.FirstOrDefault(a => Str(a?["use"]) == "home") ?? addresses?.FirstOrDefault();
        return Str(home?["postalCode"]);
    }

    private static IEnumerable<string> Telecom(JsonObject patient, string system) =>
        patient["telecom"]?.AsArray().Where(t => Str(t?["system"]) == system).Select(t => Str(t?["value"])).OfType<string>() ?? [];

    private static string Compact(string? value) => (value ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static string Digits(string value) => new([.. value.Where(char.IsAsciiDigit)]);

    private static DateOnly? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static IEnumerable<string> Values(IReadOnlyDictionary<string, StringValues> query, string name) =>
        query.TryGetValue(name, out var values) ? values.OfType<string>() : [];

    private static string? First(IReadOnlyDictionary<string, StringValues> query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static bool? Flag(IReadOnlyDictionary<string, StringValues> query, string name) =>
        First(query, name) switch
        {
            null => false,
            var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };

    private static Outcome InvalidValue(string value, string field) =>
        Fail(400, "value", "INVALID_VALUE", "Provided value is invalid", $"Invalid value - '{value}' in field '{field}'");

    private static Outcome InvalidSearch(string diagnostics) =>
        Fail(400, "value", "INVALID_SEARCH_DATA", "Search data is invalid", diagnostics);

    private static Outcome Fail(int status, string issueCode, string spineCode, string display, string? diagnostics) =>
        new(status, OperationOutcome("error", issueCode, spineCode, display, diagnostics), [], false);

    [GeneratedRegex("^(eq|ge|le)?(\\d{4}-\\d{2}-\\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateFilter();
}
