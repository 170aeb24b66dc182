using BenchmarkDotNet.Attributes;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Benchmarks;

/// <summary>The parts of a turn, measured alone, to see where a turn's time and memory go.</summary>
[Config(typeof(InProcessConfig))]
public class ComponentBenchmarks
{
    private IRuleBook _rules = null!;
    private ServiceDefinition _service = null!;
    private IntakeSession _session = null!;
    private byte[] _json = null!;
    private IntakeSession _readSession = null!;
    private BotReply[] _keptReplies = null!;
    private IntakeMachine _machine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rules = RuleBookLoader.Load(EngineBenchmarks.FindRules());
        _service = _rules.FindService("riverside-gp")!;
        _session = new IntakeSession
        {
            Step = Step.Review,
            Channel = Channel.WebChat,
            History = [Step.Emergency, Step.RequestType, Step.Details, Step.Proxy, Step.FirstName, Step.LastName, Step.DateOfBirth, Step.Gender, Step.Postcode, Step.Phone, Step.MobileAccess, Step.ContactPreference],
            OfferedTypes = [.. _rules.GetRequestTypesAsync(_service, Channels.WebChat, DateTimeOffset.UtcNow).AsTask().Result],
            Answers = new Answers
            {
                RequestTypeId = "medical-request", RequestTypeLabel = "Medical request", Details = "I have had a cough for two weeks and it is not getting better.",
                Proxy = SubmitterKind.Self, FirstName = "Jane", LastName = "Smith", DateOfBirth = new DateOnly(2010, 10, 22), Gender = Gender.Female,
                Postcode = "LS1 6AE", Phone = "+447700900123", PhoneIsMobile = true, MobileAccess = false, ContactPreference = ContactPreference.Text,
            },
        };
        _keptReplies = [Questions.Ask(Step.Review, _session, _service)];
        for (var i = 0; i < 6; i++)
        {
            _session.Processed.Add(new ProcessedInput($"input-{i}", _keptReplies));
        }

        _json = SessionJson.Write(_session);
        _readSession = SessionJson.Read(_json, _rules);
        _machine = new IntakeMachine();
    }

    /// <summary>As every turn wrote before: the kept replies serialised from their objects each time.</summary>
    [Benchmark(Description = "Session JSON write, 6 kept replies serialised (before)")]
    public byte[] WriteSessionSerialisingReplies()
    {
        for (var i = 0; i < _session.Processed.Count; i++)
        {
            _session.Processed[i] = new ProcessedInput(_session.Processed[i].Id, _keptReplies);
        }

        return SessionJson.Write(_session);
    }

    /// <summary>As a turn writes now: the session as read from the store, its kept replies copied through as JSON.</summary>
    [Benchmark(Description = "Session JSON write, 6 kept replies copied as read (after)")]
    public byte[] WriteSessionCopyingReplies() => SessionJson.Write(_readSession);

    /// <summary>As every turn read before: the kept replies made into objects too.</summary>
    [Benchmark(Description = "Session JSON read, 6 kept replies read (before)")]
    public int ReadSessionWithReplies()
    {
        var session = SessionJson.Read(_json, _rules);
        var replies = 0;
        foreach (var kept in session.Processed)
        {
            replies += kept.Replies.Count;
        }

        return replies;
    }

    /// <summary>As a turn reads now: the kept replies left as JSON until a retry asks for them.</summary>
    [Benchmark(Description = "Session JSON read, 6 kept replies left as JSON (after)")]
    public IntakeSession ReadSession() => SessionJson.Read(_json, _rules);

    [Benchmark(Description = "Configure a state machine")]
    public IntakeMachine ConfigureMachine() => new();

    [Benchmark(Description = "Red-flag rules over the details")]
    public ValueTask<IReadOnlyList<RedFlagMatch>> RedFlags() => _rules.FindRedFlagsAsync(_service, "I have had crushing chest pain since this morning and feel sick");

    [Benchmark(Description = "Request-type rules")]
    public ValueTask<IReadOnlyList<RequestTypeOption>> RequestTypes() => _rules.GetRequestTypesAsync(_service, Channels.WebChat, DateTimeOffset.UtcNow);

    [Benchmark(Description = "Review text")]
    public BotReply Review() => Questions.Ask(Step.Review, _session, _service);

    [Benchmark(Description = "Fire back and forth on a pooled machine")]
    public Step Fire()
    {
        var session = new IntakeSession { Step = Step.Review, History = [Step.ContactPreference] };
        _machine.Attach(session).Fire(Trigger.Change);
        _machine.Fire(Trigger.Back);
        return session.Step;
    }
}
