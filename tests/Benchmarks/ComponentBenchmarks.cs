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
    private string _json = null!;
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
        for (var i = 0; i < 6; i++)
        {
            _session.Processed.Add(new ProcessedInput($"input-{i}", [Questions.Ask(Step.Review, _session, _service)]));
        }

        _json = SessionJson.Write(_session);
        _machine = new IntakeMachine();
    }

    [Benchmark(Description = "Session JSON write (6 kept replies)")]
    public string WriteSession() => SessionJson.Write(_session);

    [Benchmark(Description = "Session JSON read (6 kept replies)")]
    public IntakeSession ReadSession() => SessionJson.Read(_json);

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
