using System.Net;

namespace PatientContact.Inbox.Matching.Pds;

/// <summary>Why a PDS search gave no answer.</summary>
public enum PdsFailure
{
    /// <summary>PDS is switched off by configuration.</summary>
    Disabled,

    /// <summary>No answer within the attempt or total timeout.</summary>
    Timeout,

    /// <summary>Too many recent calls failed; calls fail at once until the break is over.</summary>
    CircuitOpen,

    /// <summary>The connection failed.</summary>
    Network,

    /// <summary>PDS answered with an error status (4xx/5xx OperationOutcome).</summary>
    ErrorResponse,

    /// <summary>PDS answered 200 with something that is not a searchset Bundle or a TOO_MANY_MATCHES outcome.</summary>
    UnexpectedResponse,

    /// <summary>The access token could not be had.</summary>
    SignIn,
}

/// <summary>
/// A PDS search that gave no answer. The message holds the kind, the HTTP status and the Spine error
/// code only: never the query, the URL or PDS's diagnostics, which can echo the patient's details.
/// </summary>
public sealed class PdsUnavailableException : Exception
{
    public PdsUnavailableException(PdsFailure failure, HttpStatusCode? status = null, string? errorCode = null)
        : base(Describe(failure, status, errorCode))
    {
        Failure = failure;
        Status = status;
        ErrorCode = errorCode;
    }

    public PdsFailure Failure { get; }

    public HttpStatusCode? Status { get; }

    /// <summary>The Spine error code of the OperationOutcome, e.g. SERVICE_UNAVAILABLE, ACCESS_DENIED.</summary>
    public string? ErrorCode { get; }

    private static string Describe(PdsFailure failure, HttpStatusCode? status, string? errorCode)
    {
        var text = $"PDS search failed: {failure}";
        if (status is not null)
        {
            text += $", HTTP {(int)status}";
        }

        if (errorCode is not null)
        {
            text += $" {errorCode}";
        }

        return text + ".";
    }
}
