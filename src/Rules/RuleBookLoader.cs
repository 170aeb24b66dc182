using PatientContact.Rules.Expressions;
using PatientContact.Rules.Loading;
using RulesEngine.Models;

namespace PatientContact.Rules;

/// <summary>
/// Reads the top-level <c>*.json</c> of a rules folder, validates every file and compiles every workflow,
/// so a broken rule fails here, naming file, rule and reason, rather than when a patient reaches it.
/// </summary>
/// <remarks>
/// The folder holds exactly <c>services.json</c>, <c>request-types.json</c>, <c>availability.json</c> and
/// <c>red-flags.json</c>, and optionally <c>reply-templates.json</c>; sub-folders (such as <c>examples/</c>) are not read.
/// </remarks>
public static class RuleBookLoader
{
    public const string ServicesFile = "services.json";
    public const string RequestTypesFile = "request-types.json";
    public const string AvailabilityFile = "availability.json";
    public const string RedFlagsFile = "red-flags.json";
    public const string ReplyTemplatesFile = "reply-templates.json";

    private static readonly string[] Files = [ServicesFile, RequestTypesFile, AvailabilityFile, RedFlagsFile, ReplyTemplatesFile];

    // A fixed Monday morning: the moment the sample inputs that warm the workflows stand for.
    private static readonly DateTimeOffset SampleMoment = new(2025, 1, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] SampleChannels = [Channels.WebChat, Channels.Sms, Channels.Terminal, Channels.Form, Channels.Staff];

    /// <exception cref="RuleValidationException">A file is missing, unreadable, malformed or has a rule that does not compile.</exception>
    public static RuleBook Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullPath = Path.GetFullPath(directory);
        if (!Directory.Exists(fullPath))
        {
            throw new RuleValidationException(RuleFile.For(fullPath, "").Display, null, $"The rules folder {fullPath} does not exist.");
        }

        foreach (var path in Directory.EnumerateFiles(fullPath, "*.json", SearchOption.TopDirectoryOnly))
        {
            var name = Path.GetFileName(path);
            if (!Files.Contains(name, StringComparer.Ordinal))
            {
                RuleFile.For(fullPath, name).Fail(null, $"Unknown rule file; a rules folder holds {string.Join(", ", Files)}.");
            }
        }

        var servicesFile = RuleFile.For(fullPath, ServicesFile, subject: "service");
        IReadOnlyList<ServiceDefinition> services;
        using (var document = servicesFile.Parse(Path.Combine(fullPath, ServicesFile)))
        {
            services = ServicesFileReader.Read(document.RootElement, servicesFile);
        }

        IReadOnlyDictionary<string, IReadOnlyList<ReplyTemplate>>? replyTemplates = null;
        if (File.Exists(Path.Combine(fullPath, ReplyTemplatesFile)))
        {
            var templatesFile = RuleFile.For(fullPath, ReplyTemplatesFile, subject: "template");
            using var document = templatesFile.Parse(Path.Combine(fullPath, ReplyTemplatesFile));
            replyTemplates = ReplyTemplatesFileReader.Read(document.RootElement, templatesFile, services);
        }

        var requestTypes = ReadWorkflow(fullPath, RequestTypesFile);
        var availability = ReadWorkflow(fullPath, AvailabilityFile);
        var redFlags = ReadWorkflow(fullPath, RedFlagsFile);
        var requestTypeOptions = RequestTypeRules.Read(requestTypes.Workflow, requestTypes.File);
        var closures = ClosureRule.Read(availability.Workflow, availability.File);
        var flags = RedFlagRules.Read(redFlags.Workflow, redFlags.File);

        var names = new Dictionary<string, RuleFile>(StringComparer.Ordinal);
        foreach (var (file, workflow) in new[] { requestTypes, availability, redFlags })
        {
            if (!names.TryAdd(workflow.WorkflowName, file))
            {
                file.Fail(null, $"WorkflowName '{workflow.WorkflowName}' is already the name of the workflow in {names[workflow.WorkflowName].Display}.");
            }
        }

        var samples = new Samples(services);
        CompileEachRule(requestTypes, samples.RequestTypes);
        CompileEachRule(availability, samples.Availability);
        CompileEachRule(redFlags, samples.RedFlags);

        var engine = new RulesEngine.RulesEngine([requestTypes.Workflow, availability.Workflow, redFlags.Workflow], CreateSettings());
        var book = new RuleBook(
            fullPath,
            services,
            engine,
            (requestTypes.Workflow.WorkflowName, requestTypeOptions),
            (availability.Workflow.WorkflowName, closures),
            (redFlags.Workflow.WorkflowName, flags),
            replyTemplates,
            RequestTypeCache.For(File.ReadAllText(Path.Combine(fullPath, RequestTypesFile))),
            CompiledRedFlags.For(redFlags.Workflow, CreateSettings()));
        Warm(book, requestTypes, availability, redFlags);
        return book;
    }

    internal static ReSettings CreateSettings() => new()
    {
        CustomTypes = [typeof(Text)],

        // Off, so a failing expression throws instead of quietly making its rule not match.
        EnableExceptionAsErrorMessage = false,
        IgnoreException = false,

        // Despite its name, true is what makes an unparsable expression throw; false turns it into a rule
        // that silently never matches, with no error message at all (RulesEngine 6.0.1).
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
    };

    private static (RuleFile File, Workflow Workflow) ReadWorkflow(string directory, string fileName)
    {
        var file = RuleFile.For(directory, fileName);
        using var document = file.Parse(Path.Combine(directory, fileName));
        return (file, WorkflowFileReader.Read(document.RootElement, file));
    }

    /// <summary>
    /// Compiles and runs each rule on its own against sample inputs, so a failure names its rule: the engine
    /// compiles a workflow's rules together and reports a run-time failure without saying which rule threw.
    /// </summary>
    private static void CompileEachRule((RuleFile File, Workflow Workflow) source, IReadOnlyList<object> samples)
    {
        var settings = CreateSettings();
        foreach (var rule in source.Workflow.Rules.Where(r => r.Enabled))
        {
            var alone = new Workflow
            {
                WorkflowName = source.Workflow.WorkflowName,
                GlobalParams = source.Workflow.GlobalParams,
                Rules = [rule],
            };
            try
            {
                var engine = new RulesEngine.RulesEngine([alone], settings);
                foreach (var sample in samples)
                {
                    engine.ExecuteAllRulesAsync(alone.WorkflowName, new RuleParameter("input", sample)).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                source.File.Fail(rule.RuleName, Explain(ex), ex);
            }
        }
    }

    /// <summary>Runs every workflow once per service and channel through the book itself, so the first patient does not pay for compiling.</summary>
    private static void Warm(RuleBook book, params (RuleFile File, Workflow Workflow)[] sources)
    {
        var current = sources[0].File;
        try
        {
            foreach (var service in book.Services)
            {
                foreach (var channel in SampleChannels)
                {
                    current = sources[0].File;
                    book.GetRequestTypesAsync(service, channel, SampleMoment).AsTask().GetAwaiter().GetResult();
                    current = sources[1].File;
                    book.GetAvailabilityAsync(service, channel, SampleMoment, 0).AsTask().GetAwaiter().GetResult();
                }

                current = sources[2].File;
                book.FindRedFlagsAsync(service, "Sample details.").AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or RuleValidationException))
        {
            current.Fail(null, Explain(ex), ex);
        }
    }

    private static string Explain(Exception ex)
    {
        var inner = ex.InnerException?.Message;
        return ex switch
        {
            RulesEngine.Exceptions.RuleException when ex.Message.StartsWith("Error while compiling", StringComparison.Ordinal) =>
                $"Expression is invalid: {inner ?? ex.Message}",
            RulesEngine.Exceptions.RuleException or RulesEngine.Exceptions.ExpressionParserException when inner is not null =>
                $"Expression failed when tried at load: {inner}",
            RulesEngine.Exceptions.RuleValidationException =>
                $"RulesEngine refused the rule: {Tidy(ex.Message)}",
            _ => $"Expression failed when tried at load: {ex.Message}",
        };
    }

    private static string Tidy(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("Validation failed", StringComparison.Ordinal))
            .Select(line => line.TrimStart('-', ' ').Replace(" Severity: Error", "", StringComparison.Ordinal)));

    /// <summary>Inputs the workflows are tried on at load: one per service and channel, at a fixed moment.</summary>
    private sealed class Samples
    {
        public Samples(IReadOnlyList<ServiceDefinition> services)
        {
            var local = LondonTimeSample;
            foreach (var service in services)
            {
                foreach (var channel in SampleChannels)
                {
                    RequestTypes.Add(new RequestTypeInput(service.Id, service.Type, channel, local.DayOfWeek, TimeOnly.FromDateTime(local),
                        DateOnly.FromDateTime(local), false, true));
                    Availability.Add(new AvailabilityInput(service.Id, service.Type, channel, local.DayOfWeek, TimeOnly.FromDateTime(local),
                        DateOnly.FromDateTime(local), false, true, 0, service.DailyCapacity));
                }

                RedFlags.Add(new RedFlagInput(service.Id, service.Type, Text.Normalise("Sample details.")));
            }
        }

        public List<object> RequestTypes { get; } = [];

        public List<object> Availability { get; } = [];

        public List<object> RedFlags { get; } = [];

        private static DateTime LondonTimeSample => LondonTime.ToLocal(SampleMoment);
    }
}
