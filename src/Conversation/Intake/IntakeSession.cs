using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Everything a conversation remembers between turns. Persisted as JSON in the conversation store;
/// deleted (or wiped) when the conversation expires.
/// </summary>
public sealed class IntakeSession
{
    public Step Step { get; set; } = Step.Welcome;
    public Channel Channel { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastActivityAt { get; set; }

    /// <summary>Steps answered on the way here, most recent last: what <c>back</c> returns to.</summary>
    public List<Step> History { get; set; } = [];

    /// <summary>True while changing one answer from the review; the flow returns to review once complete.</summary>
    public bool Changing { get; set; }
    public int InvalidStreak { get; set; }

    /// <summary>
    /// The request types offered at the request-type step, kept so the answer is read against what was shown. Stored by
    /// id only (<see cref="OfferedTypeIds"/>: their words are the rules', about 40% of a session's JSON otherwise) and
    /// found again in the rule book when the session is read (<see cref="SessionJson.Read(byte[], IRuleBook?)"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public List<RequestTypeOption> OfferedTypes { get; set; } = [];

    /// <summary>
    /// <see cref="OfferedTypes"/> as stored: their ids, in the order offered. A type the rules no longer have is left
    /// out when read back (the patient's own choice stays in <see cref="Answers"/>, with its label).
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("offered")]
    public List<string> OfferedTypeIds
    {
        get => OfferedTypes.Count == 0 && _unresolved is { } ids ? ids : OfferedTypes.ConvertAll(t => t.Id);
        set => _unresolved = value;
    }

    /// <summary>Read only: sessions stored before the ids, which held each offered type whole.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("offeredTypes")]
    public List<RequestTypeOption>? StoredOfferedTypes
    {
        get => null;
        set => OfferedTypes = value ?? [];
    }

    private List<string>? _unresolved;

    /// <summary>Finds the stored ids' request types in the rules (after the session is read).</summary>
    internal void FindOfferedTypes(IRuleBook rules)
    {
        if (_unresolved is not { } ids)
        {
            return;
        }

        _unresolved = null;
        OfferedTypes = new List<RequestTypeOption>(ids.Count);
        foreach (var id in ids)
        {
            if (rules.FindRequestType(id) is { } type)
            {
                OfferedTypes.Add(type);
            }
        }
    }

    public Answers Answers { get; set; } = new();
    public CodeState Code { get; set; } = new();

    /// <summary>Fixed on each arrival at review, so a retried "Submit" finds its own request.</summary>
    public string? PendingReferenceId { get; set; }
    public string? ReferenceId { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>Recent inputs already applied, with the replies they got: a retried input is answered again, not applied again.</summary>
    public List<ProcessedInput> Processed { get; set; } = [];

    /// <summary>Set when the answers were wiped for idleness; the next message says so.</summary>
    public bool ExpiredNotice { get; set; }

    /// <summary>Set when the conversation came from a personal follow-up link.</summary>
    public FollowUpState? FollowUp { get; set; }

    /// <summary>
    /// Red flags raised by words sent at a step other than the details (the first text, an answer, an invalid
    /// answer): they stay with the conversation, whatever the details become, and go to staff with the request.
    /// </summary>
    public List<RaisedFlag> RaisedFlags { get; set; } = [];

    /// <summary>Enough for channel retries (Twilio retries within 15 s, Direct Line within 20 s) without bloating every save.</summary>
    private const int ProcessedInputsKept = 6;

    /// <summary>Keeps an input applied with the replies it got, so a retry of it is answered the same, not applied again.</summary>
    public void Remember(string inputId, IReadOnlyList<BotReply> replies)
    {
        Processed.Add(new ProcessedInput(inputId, replies));
        if (Processed.Count > ProcessedInputsKept)
        {
            Processed.RemoveRange(0, Processed.Count - ProcessedInputsKept);
        }
    }

    /// <summary>
    /// Starts the conversation again at the welcome: the answers go, with the replies that may repeat them; the code
    /// limits stay (or starting again would reset them), and so does a reference not yet answered.
    /// </summary>
    public void StartAgain(DateTimeOffset now, bool keepRaisedFlags = false)
    {
        Step = Step.Welcome;
        History = [];
        Changing = false;
        InvalidStreak = 0;
        OfferedTypes = [];
        Answers = new();
        // The code in play goes; the tries and sends stay, or starting again would reset the limits.
        Code = new CodeState { WrongTries = Code.WrongTries, Sends = Code.Sends, GaveUp = Code.GaveUp };
        // Until a submission is answered its reference is kept: a request stored by a try whose answer was lost becomes the next one submitted.
        PendingReferenceId = ReferenceId is null ? PendingReferenceId : null;
        ReferenceId = null;
        SubmittedAt = null;
        ExpiredNotice = false;
        FollowUp = null;
        if (!keepRaisedFlags)
        {
            RaisedFlags = [];
        }

        // Earlier replies may repeat answers (the review); they go with the answers.
        Processed.Clear();
        StartedAt = now;
    }
}

/// <summary>A red flag raised outside the details: the rule, the step the patient was at, and what they wrote.</summary>
public sealed record RaisedFlag(RedFlagMatch Flag, Step Step, string Words);

/// <summary>Where a conversation from a personal follow-up link is with the details the service holds.</summary>
public enum FollowUpStage
{
    /// <summary>The date of birth has not been asked yet.</summary>
    Pending,
    /// <summary>The date of birth given did not match (or the link allows no more tries): nothing was shown.</summary>
    NotOffered,
    /// <summary>The date of birth matched: the details held were shown, waiting for yes or no.</summary>
    Offered,
    /// <summary>The patient said the details are right: they are the answers.</summary>
    Accepted,
    /// <summary>The patient said they are not right: the questions are asked as usual.</summary>
    Declined,
}

/// <summary>The follow-up link of a conversation, and the details it offered once the date of birth matched.</summary>
public sealed class FollowUpState
{
    public required string LinkId { get; set; }
    public FollowUpStage Stage { get; set; }
    public string? OfferedFirstName { get; set; }
    public string? OfferedLastName { get; set; }
    /// <summary>E.164 mobile the link was texted to.</summary>
    public string? OfferedPhone { get; set; }

    /// <summary>The details were shown (whatever the answer).</summary>
    public bool WereOffered => Stage is FollowUpStage.Offered or FollowUpStage.Accepted or FollowUpStage.Declined;
}

/// <summary>The patient's answers, as parsed values.</summary>
public sealed class Answers
{
    public string? RequestTypeId { get; set; }
    public string? RequestTypeLabel { get; set; }
    public string? Details { get; set; }
    public List<RedFlagMatch> RedFlags { get; set; } = [];
    public bool RedFlagsAcknowledged { get; set; }
    /// <summary>The answer to "Do you want to add photos?"; null until it is asked.</summary>
    public bool? WantsPhotos { get; set; }
    /// <summary>The photos step is over (no photos wanted, or "done").</summary>
    public bool PhotosDone { get; set; }
    /// <summary>Photos kept so far, in the attachment store under these ids.</summary>
    public List<PatientContact.Inbox.Requests.RequestAttachment> Photos { get; set; } = [];
    public SubmitterKind? Proxy { get; set; }
    public string? ProxyName { get; set; }
    public Relationship? ProxyRelationship { get; set; }
    /// <summary>As given (the review shows it in title case).</summary>
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>
    /// The last word of a first-name answer of several words ("Jane Smith"), offered as the last name at the
    /// last-name step; <see cref="FirstName"/> holds the words before it until the patient says yes or no.
    /// </summary>
    public string? SuggestedLastName { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public Gender? Gender { get; set; }
    public string? Postcode { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    public bool PhoneIsMobile { get; set; }
    public bool? MobileAccess { get; set; }
    public bool Verified { get; set; }
    /// <summary>How possession was shown; null while not shown.</summary>
    public VerifiedBy? VerifiedBy { get; set; }
    public ContactPreference? ContactPreference { get; set; }
    /// <summary>On the staff channel: the code was skipped because staff checked the caller's identity (never a verified mobile).</summary>
    public bool IdentityCheckedByStaff { get; set; }
}

/// <summary>The one-time code in play; the code itself is never stored, only its keyed hash.</summary>
public sealed class CodeState
{
    public string? Hash { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Wrong tries in all for this conversation; a new code does not reset them.</summary>
    public int WrongTries { get; set; }
    public int Sends { get; set; }
    /// <summary>The limits were reached: the conversation carries on unverified.</summary>
    public bool GaveUp { get; set; }
}

/// <summary>
/// An input already applied, with the replies it got. They are needed only when the input is retried, so a
/// session read from the store keeps them as the JSON they were stored as, and writes that JSON back as it
/// is on every later turn: one turn serialises them, and only a retry reads them (see <see cref="ProcessedInputJson"/>).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(ProcessedInputJson))]
public sealed class ProcessedInput
{
    private IReadOnlyList<BotReply>? _replies;
    private byte[]? _json;

    public ProcessedInput(string id, IReadOnlyList<BotReply> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        Id = id;
        _replies = replies;
    }

    private ProcessedInput(string id, byte[] json)
    {
        Id = id;
        _json = json;
    }

    public string Id { get; }

    /// <summary>The replies the input got, read from their stored JSON the first time they are asked for.</summary>
    public IReadOnlyList<BotReply> Replies => _replies ??= SessionJson.ReadReplies(_json!);

    /// <summary>As read from the store: the replies' JSON, not yet read.</summary>
    internal static ProcessedInput FromJson(string id, byte[] json) => new(id, json);

    /// <summary>The replies' JSON: as stored, or written once from the replies.</summary>
    internal byte[] Json => _json ??= SessionJson.WriteReplies(_replies!);
}
