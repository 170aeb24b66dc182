using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PatientContact.Inbox.Links;

/// <summary>What kind of link staff texted to a patient.</summary>
public enum SentLinkKind
{
    /// <summary>The service's general link, <c>/c/{serviceId}</c>: it never ends.</summary>
    General,

    /// <summary>
    /// A personal patient-initiated follow-up (PIFU) link, <c>/c/{serviceId}/f/{token}</c>: the patient's known
    /// details are offered once they confirm their date of birth, the request is tagged with the pathway, and
    /// the link ends on a date (or earlier, when staff end it).
    /// </summary>
    FollowUp,
}

/// <summary>
/// A link a member of staff texted to a patient from the inbox. A follow-up link is found by the SHA-256 of
/// its token (<see cref="TokenHash"/>); the token itself is only ever in the text sent to the patient.
/// </summary>
public sealed record SentLink
{
    /// <summary>The id staff pages use (never in the patient's link).</summary>
    public required string Id { get; init; }
    public required string ServiceId { get; init; }
    public required SentLinkKind Kind { get; init; }

    /// <summary>The mobile it was texted to, E.164.</summary>
    public required string Phone { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }

    /// <summary>Required for a follow-up link: the patient confirms it before anything else is shown.</summary>
    public DateOnly? DateOfBirth { get; init; }

    /// <summary>Modulus-11 checked when given.</summary>
    public string? NhsNumber { get; init; }

    /// <summary>The follow-up pathway the request is tagged with ("Rheumatology"); follow-up links only.</summary>
    public string? Pathway { get; init; }

    /// <summary>Lowercase hex SHA-256 of the follow-up token; null for a general link.</summary>
    public string? TokenHash { get; init; }

    /// <summary>When a follow-up link stops working; null for a general link (it never ends).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>The staff member's email.</summary>
    public required string SentBy { get; init; }

    /// <summary>Set when staff ended the link before its end date.</summary>
    public DateTimeOffset? EndedEarlyAt { get; init; }
    public string? EndedEarlyBy { get; init; }

    /// <summary>Dates of birth given on this link that did not match; past the limit, the details are never offered.</summary>
    public int FailedConfirmations { get; init; }

    /// <summary>Optimistic concurrency: bumped by every change.</summary>
    public long Version { get; init; } = 1;

    /// <summary>True while a follow-up link can still be used at <paramref name="now"/>; a general link always can.</summary>
    public bool IsOpenAt(DateTimeOffset now) =>
        Kind == SentLinkKind.General || (EndedEarlyAt is null && EndsAt is { } ends && now < ends);
}

/// <summary>The unguessable part of a follow-up link: 128 random bits, URL-safe, kept only as a hash.</summary>
public static class LinkTokens
{
    /// <summary>Random bytes in a token (128 bits).</summary>
    public const int Bytes = 16;

    /// <summary>The length of a token as text (URL-safe Base64 without padding).</summary>
    public static readonly int Length = Base64Url.GetEncodedLength(Bytes);

    /// <summary>A new token and the hash to store.</summary>
    public static (string Token, string Hash) New()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));
        return (token, Hash(token));
    }

    /// <summary>The stored form of a token; null when the text cannot be a token (so nothing is looked up).</summary>
    /// <remarks>
    /// Checked character by character, not with <see cref="Base64Url.IsValid(ReadOnlySpan{char})"/>: that one
    /// skips white space, so "22 characters" could be fewer than a token's.
    /// </remarks>
    public static string? HashIfWellFormed(string? token) =>
        token is not null && token.Length == Length && token.All(IsUrlSafe) ? Hash(token) : null;

    private static bool IsUrlSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
