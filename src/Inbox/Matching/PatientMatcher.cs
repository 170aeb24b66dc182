using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Matching.Pds;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Matching;

/// <summary>
/// The matching policy (SPEC section 4): a request is matched only when PDS finds exactly one patient
/// for the demographics and the verified mobile is one of that record's current phone numbers.
/// Anything else is unmatched with its reason; the patient is never told either way.
/// </summary>
public sealed partial class PatientMatcher(IPdsClient pds, IOptions<PdsOptions> options, TimeProvider time, ILogger<PatientMatcher> logger)
{
    private readonly PdsSearchOptions _search = options.Value.Search;

    /// <summary>Decides the match for a request; PDS failing gives "PDS unavailable", never an exception.</summary>
    public async Task<MatchResult> MatchAsync(ContactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Without proof the patient holds the phone, no match can be made, so PDS is not asked at all.
        if (!request.Contact.Verified)
        {
            return Unmatched(MatchReason.PhoneNotVerified);
        }

        PdsSearchResult found;
        try
        {
            found = await pds.SearchAsync(SearchFor(request.Patient), cancellationToken).ConfigureAwait(false);
        }
        catch (PdsUnavailableException)
        {
            return Unmatched(MatchReason.PdsUnavailable);
        }
        catch (ArgumentException)
        {
            // Our own answers broke a PDS search rule; the search was not sent. Staff can match by hand.
            LogSearchRefused(logger, request.ReferenceId);
            return Unmatched(MatchReason.NoMatch);
        }

        if (found.TooManyMatches || found.Patients.Count > 1)
        {
            return Unmatched(MatchReason.SeveralMatches);
        }

        if (found.Patients.Count == 0)
        {
            return Unmatched(MatchReason.NoMatch);
        }

        var patient = found.Patients[0];
        if (!NhsNumber.IsValid(patient.NhsNumber))
        {
            LogInvalidNhsNumber(logger, request.ReferenceId);
            return Unmatched(MatchReason.NoMatch);
        }

        return HoldsPhone(patient, request.Contact.Phone)
            ? new MatchResult(MatchStatus.Matched, null, patient.NhsNumber)
            : Unmatched(MatchReason.PhoneNotOnRecord);
    }

    /// <summary>The search sent for a patient's answers: full names and date of birth, and the postcode.</summary>
    public PdsSearch SearchFor(PatientDetails patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new PdsSearch
        {
            Family = patient.LastName,
            Given = [patient.FirstName],
            Gender = _search.IncludeGender ? ToPds(patient.Gender) : null,
            BirthDate = patient.DateOfBirth,
            Postcode = patient.Postcode,
            FuzzyMatch = _search.FuzzyMatch,
            ExactMatch = _search.ExactMatch,
            History = _search.History,
            MaxResults = _search.MaxResults,
        };
    }

    /// <summary>A phone or SMS contact point in use today whose number is the verified one.</summary>
    private bool HoldsPhone(PdsPatient patient, string verifiedE164)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return patient.Telecom.Any(t =>
            t.System is "phone" or "sms"
            && t.IsCurrentOn(today)
            && UkPhoneNumbers.ToE164(t.Value) == verifiedE164);
    }

    private static PdsGender? ToPds(Gender gender) => gender switch
    {
        Gender.Female => PdsGender.Female,
        Gender.Male => PdsGender.Male,
        Gender.Other => PdsGender.Other,
        _ => null,
    };

    private static MatchResult Unmatched(MatchReason reason) => new(MatchStatus.Unmatched, reason, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId}: PDS returned a patient whose NHS number fails the check digit; not matched")]
    private static partial void LogInvalidNhsNumber(ILogger logger, string referenceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId}: its answers do not make a valid PDS search; not matched")]
    private static partial void LogSearchRefused(ILogger logger, string referenceId);
}
