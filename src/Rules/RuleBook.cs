using System.Collections.Frozen;
using PatientContact.Rules.Expressions;
using PatientContact.Rules.Loading;
using RulesEngine.Models;

namespace PatientContact.Rules;

/// <summary>The rule files of one folder, validated and compiled; made by <see cref="RuleBookLoader.Load"/>.</summary>
public sealed class RuleBook : IRuleBook
{
    /// <summary>The name a rule's expression calls its input by (<c>input.Details</c>).</summary>
    internal const string Input = "input";

    private readonly RulesEngine.RulesEngine _engine;
    private readonly string _requestTypesWorkflow;
    private readonly string _availabilityWorkflow;
    private readonly string _redFlagsWorkflow;
    private readonly FrozenDictionary<string, RequestTypeOption> _requestTypes;
    private readonly FrozenDictionary<string, ClosureRule> _closures;
    private readonly FrozenDictionary<string, RedFlagMatch> _redFlags;
    private readonly FrozenDictionary<string, ServiceDefinition> _byId;
    private readonly FrozenDictionary<string, ServiceDefinition> _bySmsNumber;
    private readonly FrozenDictionary<string, IReadOnlyList<ReplyTemplate>> _replyTemplates;
    private readonly RequestTypeCache? _requestTypeLists;
    private readonly CompiledRedFlags? _compiledRedFlags;

    internal RuleBook(
        string directory,
        IReadOnlyList<ServiceDefinition> services,
        RulesEngine.RulesEngine engine,
        (string Workflow, IReadOnlyDictionary<string, RequestTypeOption> Rules) requestTypes,
        (string Workflow, IReadOnlyDictionary<string, ClosureRule> Rules) availability,
        (string Workflow, IReadOnlyDictionary<string, RedFlagMatch> Rules) redFlags,
        IReadOnlyDictionary<string, IReadOnlyList<ReplyTemplate>>? replyTemplates = null,
        RequestTypeCache? requestTypeLists = null,
        CompiledRedFlags? compiledRedFlags = null)
    {
        Directory = directory;
        _requestTypeLists = requestTypeLists;
        _compiledRedFlags = compiledRedFlags;
        Services = services;
        _engine = engine;
        (_requestTypesWorkflow, _requestTypes) = (requestTypes.Workflow, requestTypes.Rules.ToFrozenDictionary(StringComparer.Ordinal));
        (_availabilityWorkflow, _closures) = (availability.Workflow, availability.Rules.ToFrozenDictionary(StringComparer.Ordinal));
        (_redFlagsWorkflow, _redFlags) = (redFlags.Workflow, redFlags.Rules.ToFrozenDictionary(StringComparer.Ordinal));
        _byId = services.ToFrozenDictionary(s => s.Id, StringComparer.OrdinalIgnoreCase);
        _replyTemplates = (replyTemplates ?? new Dictionary<string, IReadOnlyList<ReplyTemplate>>()).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _bySmsNumber = services.SelectMany(s => s.SmsNumbers, (s, n) => (s, n)).ToFrozenDictionary(p => p.n, p => p.s, StringComparer.Ordinal);
    }

    /// <summary>Whether the red-flag rules are called as compiled expressions rather than run as a workflow (<see cref="CompiledRedFlags"/>).</summary>
    internal bool RedFlagsCompiled => _compiledRedFlags is not null;

    /// <summary>The full path of the folder the rules were read from.</summary>
    public string Directory { get; }

    public IReadOnlyList<ServiceDefinition> Services { get; }

    public ServiceDefinition? FindService(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        return _byId.GetValueOrDefault(serviceId);
    }

    public ServiceDefinition? FindServiceBySmsNumber(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return _bySmsNumber.GetValueOrDefault(e164);
    }

    public IReadOnlyList<ReplyTemplate> ReplyTemplatesFor(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _replyTemplates.GetValueOrDefault(service.Id) ?? [];
    }

    public async ValueTask<Availability> GetAvailabilityAsync(ServiceDefinition service, string channel, DateTimeOffset now, long requestsToday)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(channel);
        var local = LondonTime.ToLocal(now);
        var input = new AvailabilityInput(
            service.Id, service.Type, channel, local.DayOfWeek, TimeOnly.FromDateTime(local), DateOnly.FromDateTime(local),
            IsWeekend(local), OpeningTimes.IsWithin(service.OpeningHours, local), requestsToday, service.DailyCapacity);

        var results = await _engine.ExecuteAllRulesAsync(_availabilityWorkflow, RuleParameter.Create(Input, input)).ConfigureAwait(false);
        foreach (var result in results)
        {
            if (result.IsSuccess && _closures.TryGetValue(result.Rule.RuleName, out var closure))
            {
                var reopensAt = closure.Reopens switch
                {
                    Reopening.NextDay => OpeningTimes.NextOpening(service.OpeningHours, OpeningTimes.StartOfNextDay(now)),
                    Reopening.NextOpening when !input.WithinOpeningHours => OpeningTimes.NextOpening(service.OpeningHours, now),
                    Reopening.NextOpening => OpeningTimes.NextOpening(service.OpeningHours, OpeningTimes.StartOfNextDay(now)),
                    _ => null,
                };
                var message = closure.Message.Render(service, reopensAt is { } at ? LondonTime.Describe(at, now) : "later");
                return new Availability(false, closure.Reason, message, reopensAt);
            }
        }

        return Availability.Open;
    }

    public async ValueTask<IReadOnlyList<RequestTypeOption>> GetRequestTypesAsync(ServiceDefinition service, string channel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(channel);
        if (_requestTypeLists is not null && _requestTypeLists.TryGet(service.Id, channel, out var known))
        {
            return known;
        }

        var local = LondonTime.ToLocal(now);
        var input = new RequestTypeInput(
            service.Id, service.Type, channel, local.DayOfWeek, TimeOnly.FromDateTime(local), DateOnly.FromDateTime(local),
            IsWeekend(local), OpeningTimes.IsWithin(service.OpeningHours, local));

        var results = await _engine.ExecuteAllRulesAsync(_requestTypesWorkflow, RuleParameter.Create(Input, input)).ConfigureAwait(false);
        var offered = new List<RequestTypeOption>(results.Count);
        foreach (var result in results)
        {
            if (result.IsSuccess && _requestTypes.TryGetValue(result.Rule.RuleName, out var option))
            {
                offered.Add(option);
            }
        }

        _requestTypeLists?.Add(service.Id, channel, offered);
        return offered;
    }

    public RequestTypeOption? FindRequestType(string id) => _requestTypes.GetValueOrDefault(id ?? throw new ArgumentNullException(nameof(id)));

    public async ValueTask<IReadOnlyList<RedFlagMatch>> FindRedFlagsAsync(ServiceDefinition service, string details)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(details);

        // Normalised once here so each rule's phrase test is a plain ordinal search.
        var input = new RedFlagInput(service.Id, service.Type, Text.Normalise(details));
        if (_compiledRedFlags is { } compiled)
        {
            return compiled.Matching(input)?.Select(name => _redFlags[name]).ToList() ?? (IReadOnlyList<RedFlagMatch>)[];
        }

        return await RunRedFlagWorkflowAsync(input).ConfigureAwait(false);
    }

    /// <summary>The red-flag workflow run through the engine: the same answers as the compiled rules, at more cost a text.</summary>
    internal async ValueTask<IReadOnlyList<RedFlagMatch>> RunRedFlagWorkflowAsync(RedFlagInput input)
    {
        var results = await _engine.ExecuteAllRulesAsync(_redFlagsWorkflow, RuleParameter.Create(Input, input)).ConfigureAwait(false);
        List<RedFlagMatch>? matches = null;
        foreach (var result in results)
        {
            if (result.IsSuccess && _redFlags.TryGetValue(result.Rule.RuleName, out var flag))
            {
                (matches ??= []).Add(flag);
            }
        }

        return matches ?? (IReadOnlyList<RedFlagMatch>)[];
    }

    private static bool IsWeekend(DateTime local) => local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
