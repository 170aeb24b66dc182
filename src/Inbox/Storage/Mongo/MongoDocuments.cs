using MongoDB.Bson;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

// The shapes written to MongoDB, one per collection. Requests and outbox texts are stored through class
// maps of their own records (see MongoClassMaps); the rest have document records here, because they carry
// what the store needs besides the record (an _id, a TTL time, search keys).

/// <summary>
/// A conversation in <c>conversations</c>; <c>_id</c> is the conversation key. Its data stays a string, as
/// documents written before the record's data became bytes have it.
/// </summary>
internal sealed record ConversationDocument(
    string Id,
    string ServiceId,
    string State,
    string Data,
    long Version,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt)
{
    public static ConversationDocument From(ConversationRecord record, DateTimeOffset expiresAt) =>
        new(record.Key, record.ServiceId, record.State, record.DataText, record.Version, record.UpdatedAt, expiresAt);

    public ConversationRecord ToRecord() => new(Id, ServiceId, State, System.Text.Encoding.UTF8.GetBytes(Data), Version, UpdatedAt);
}

/// <summary>
/// A submitted request in <c>requests</c>: <c>_id</c> is the reference ID (so MongoDB's own unique
/// <c>_id</c> index is what refuses a second request with it), the request whole, and the keys search uses.
/// </summary>
/// <param name="PendingAudit">
/// The audit line of the change this document was last written with, until it is copied into <c>audit</c>
/// (see <see cref="MongoRequestStore"/>): the change and its line are one write. Absent otherwise.
/// </param>
internal sealed record RequestDocument(string Id, RequestSearchKeys Search, ContactRequest Request, IReadOnlyList<AuditDocument>? PendingAudit = null)
{
    public static RequestDocument From(ContactRequest request) => new(request.ReferenceId, RequestSearchKeys.From(request), request);
}

/// <summary>
/// What the inbox search compares and sorts on, in one spelling: the reference ID upper case without
/// hyphens, the names lower case (invariant culture, as the SQLite store folds them), and the urgency
/// as a number (2 emergency, 1 urgent, 0 none) so it sorts in that order.
/// </summary>
internal sealed record RequestSearchKeys(string ReferenceKey, string FirstName, string LastName, int Urgency = 0)
{
    public static RequestSearchKeys From(ContactRequest request) => new(
        KeyOf(request.ReferenceId),
        request.Patient.FirstName.ToLowerInvariant(),
        request.Patient.LastName.ToLowerInvariant(),
        (int)Triage.UrgencyOf(request));

    /// <summary>A reference ID as typed: upper case, hyphens and white space dropped.</summary>
    public static string KeyOf(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != '-' && !char.IsWhiteSpace(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }
        return builder.ToString();
    }
}

/// <summary>One audit line in <c>audit</c>; the ObjectId orders lines written in the same millisecond.</summary>
internal sealed record AuditDocument(
    ObjectId Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string? ServiceId,
    string? ReferenceId,
    string? Detail)
{
    public static AuditDocument From(AuditEntry entry) =>
        new(ObjectId.GenerateNewId(), entry.At, entry.Actor, entry.Action, entry.ServiceId, entry.ReferenceId, entry.Detail);

    public AuditEntry ToEntry() => new(At, Actor, Action, ServiceId, ReferenceId, Detail);
}

/// <summary>One counter for one service and day in <c>usageCounters</c> (unique on the three).</summary>
internal sealed record UsageCounterDocument(ObjectId Id, string ServiceId, string Counter, DateOnly Day, long Value);

/// <summary>The latest STOP or START of a number in <c>optOuts</c>; <c>_id</c> is the E.164 number.</summary>
internal sealed record OptOutDocument(string Id, bool OptedOut, DateTimeOffset UpdatedAt);

/// <summary>One applied input: <c>_id</c> the keyed hash, when it was applied, and when the TTL index may remove it.</summary>
internal sealed record AppliedInputDocument(string Id, DateTimeOffset AppliedAt, DateTimeOffset ExpiresAt);

/// <summary>One Data Protection key ring element in <c>keyRing</c>; <c>_id</c> is its friendly name.</summary>
internal sealed record KeyRingDocument(string Id, string Xml, DateTimeOffset CreatedAt);

/// <summary>One shared limit count: <c>_id</c> the key and window start, the count, and when the TTL index may remove it.</summary>
internal sealed record RateCounterDocument(string Id, long Count, DateTimeOffset ExpiresAt);

/// <summary>One key's backoff in <c>rateBackoffs</c>: <c>_id</c> the key, its failures, and a version each write checks and raises.</summary>
internal sealed record RateBackoffDocument(string Id, int Failures, DateTimeOffset WindowStart, DateTimeOffset NotBefore, DateTimeOffset ExpiresAt, long Version);

/// <summary>
/// One web chat turn's activities in <c>activities</c>, numbered per conversation. <c>Bytes</c> is the
/// UTF-8 size of the activities, summed to cap a conversation (0 in batches stored before it was kept).
/// </summary>
internal sealed record ActivityBatchDocument(
    ObjectId Id,
    string ConversationId,
    long Sequence,
    string? ClientActivityId,
    IReadOnlyList<string> Activities,
    DateTimeOffset At,
    DateTimeOffset ExpiresAt,
    long Bytes)
{
    public ActivityBatch ToBatch() => new(ConversationId, Sequence, ClientActivityId, Activities, At);
}

/// <summary>A staff account in <c>staffAccounts</c>; <c>_id</c> is the email trimmed and lower-cased.</summary>
/// <summary>A staff account in <c>staffAccounts</c>: <c>_id</c> the lower-cased email.</summary>
/// <param name="PendingAudit">
/// The audit line of the change this document was last written with, until it is copied into <c>audit</c>
/// (see <see cref="MongoStaffAccountStore"/>): the change and its line are one write. Absent otherwise.
/// </param>
/// <param name="Removed">The account is removed and this document waits only for its line to be copied; read as no account.</param>
internal sealed record StaffAccountDocument(string Id, StaffAccount Account, IReadOnlyList<AuditDocument>? PendingAudit = null, bool? Removed = null)
{
    public static StaffAccountDocument From(StaffAccount account) => new(Key(account.Email), account);

    public static string Key(string email) => email.Trim().ToLowerInvariant();
}
