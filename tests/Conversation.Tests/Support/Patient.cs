using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;
using PatientContact.Rules;

namespace PatientContact.Conversation.Tests.Support;

/// <summary>
/// The engine over a real SQLite file and the repository's rule files, with a controlled clock:
/// everything a channel would use, without the channel.
/// </summary>
public sealed class EngineHarness : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pc-engine-" + Guid.NewGuid().ToString("N"));
    private readonly FileRuleBookProvider _rules;

    public EngineHarness(string? rulesDirectory = null, DateTimeOffset? start = null)
    {
        Directory.CreateDirectory(_directory);
        Clock = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        Database = new SqliteDatabase(Path.Combine(_directory, "test.db"));
        Conversations = new SqliteConversationStore(Database);
        Requests = new SqliteRequestStore(Database);
        Outbox = new SqliteOutboxStore(Database);
        Messages = new SqliteMessageStore(Database);
        Counters = new SqliteUsageCounterStore(Database);
        OptOuts = new SqliteOptOutStore(Database);
        Links = new SqliteSentLinkStore(Database);
        Inputs = new SqliteInputIndex(Database);
        Attachments = new SqliteAttachmentStore(Database);
        _rules = new FileRuleBookProvider(rulesDirectory ?? RepoPaths.Rules);
        Engine = NewEngine();
    }

    public FakeTimeProvider Clock { get; }
    public SqliteDatabase Database { get; }
    public IConversationStore Conversations { get; }
    public IRequestStore Requests { get; }
    public IOutboxStore Outbox { get; }
    public IMessageStore Messages { get; }
    public IUsageCounterStore Counters { get; }
    public IOptOutStore OptOuts { get; }
    public ISentLinkStore Links { get; }
    public IInputIndex Inputs { get; }
    public IAttachmentStore Attachments { get; }
    public IRuleBookProvider Rules => _rules;
    public IntakeEngine Engine { get; }

    /// <summary>
    /// True (the default): when the engine asks "Do you want to add photos?" (after the details of a type with
    /// <c>photos: true</c>, like the demo medical request), the patient answers No, so walks written for the steps
    /// around it read as before ("back" to the question leaves it asked). The photos tests set it false to answer
    /// the question themselves.
    /// </summary>
    public bool SaysNoToPhotos { get; set; } = true;
    public ConversationOptions Options { get; } = new();
    public VerificationOptions Verification { get; } = new() { HashKey = Convert.ToBase64String(new byte[32]) };

    /// <summary>A second engine over the same store: another host, with its own in-process locks.</summary>
    public IntakeEngine NewEngine(IConversationStore? conversations = null) => new(
        conversations ?? Conversations,
        Requests,
        _rules,
        new OutboxSender(Outbox, OptOuts, Messages, Clock),
        Counters,
        new OneTimeCodes(Microsoft.Extensions.Options.Options.Create(Verification)),
        Clock,
        Microsoft.Extensions.Options.Options.Create(Options),
        Microsoft.Extensions.Options.Options.Create(Verification),
        NullLogger<IntakeEngine>.Instance,
        CodeLimiter(),
        links: Links,
        inputs: Inputs,
        attachments: Attachments);

    /// <summary>The code limits over this store's shared counts, as every host on the file would count them.</summary>
    public CodeSendLimiter CodeLimiter(ILogger<CodeSendLimiter>? logger = null, IRateCounterStore? store = null) => new(
        store ?? new SqliteRateCounterStore(Database),
        new OneTimeCodes(Microsoft.Extensions.Options.Options.Create(Verification)),
        Microsoft.Extensions.Options.Options.Create(Verification),
        Clock,
        logger ?? NullLogger<CodeSendLimiter>.Instance);

    public PatientSession Patient(string serviceId = "riverside-gp", Channel channel = Channel.WebChat, string? senderPhone = null, string? followUpLinkId = null) =>
        new(this, serviceId, channel, senderPhone, followUpLinkId);

    /// <summary>The last one-time code texted to a number, read from the outbox as the patient's phone would show it.</summary>
    public async Task<string> LastCodeSentToAsync(string e164)
    {
        var texts = await Outbox.ListForRecipientAsync(e164, 10);
        var code = texts.FirstOrDefault(t => t.Purpose == TextPurpose.Code) ?? throw new InvalidOperationException("No code was texted to that number.");
        return code.Body[..6];
    }

    public void Dispose()
    {
        _rules.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on the way out is left in the temp folder.
        }
    }
}

/// <summary>One patient talking to the engine, the way a channel would pass their messages.</summary>
public sealed class PatientSession(EngineHarness harness, string serviceId, Channel channel, string? senderPhone, string? followUpLinkId = null)
{
    private int _inputs;

    public string Key { get; } = $"test:{Guid.NewGuid():N}";
    public TurnResult? Last { get; private set; }

    public string Step => Last!.Step.ToId();

    /// <summary>Everything said in the last turn, joined.</summary>
    public string Said => string.Join("\n", Last!.Replies.Select(r => r.Text));

    public IReadOnlyList<Choice> Choices => Last!.Replies[^1].Choices;

    public async Task<PatientSession> OpenAsync()
    {
        Last = await harness.Engine.HandleAsync(new TurnInput(Key, serviceId, channel, "open", null, senderPhone, FollowUpLinkId: followUpLinkId));
        return this;
    }

    public async Task<PatientSession> SayAsync(string text, string? inputId = null, IntakeEngine? engine = null)
    {
        Last = await (engine ?? harness.Engine).HandleAsync(new TurnInput(Key, serviceId, channel, inputId ?? $"in-{++_inputs}", text, senderPhone, FollowUpLinkId: followUpLinkId));
        if (harness.SaysNoToPhotos && text is not ("back" or "go back") && Step == "photos" && Last.Replies.Any(r => r.Text == PhotosStep.Question))
        {
            Last = await (engine ?? harness.Engine).HandleAsync(new TurnInput(Key, serviceId, channel, $"in-{++_inputs}", "No", senderPhone, FollowUpLinkId: followUpLinkId));
        }

        return this;
    }

    /// <summary>Photos as a channel passes them in (web chat upload, MMS), with no text.</summary>
    public async Task<PatientSession> SendPhotosAsync(string inputId, IReadOnlyList<IncomingPhoto> photos, IntakeEngine? engine = null)
    {
        Last = await (engine ?? harness.Engine).HandleAsync(new TurnInput(Key, serviceId, channel, inputId, string.Empty, senderPhone, FollowUpLinkId: followUpLinkId, Photos: photos));
        return this;
    }

    public TurnInput Input(string text, string inputId) => new(Key, serviceId, channel, inputId, text, senderPhone, FollowUpLinkId: followUpLinkId);
}
