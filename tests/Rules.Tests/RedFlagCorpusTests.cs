using System.Globalization;
using PatientContact.Rules.Tests.Corpus;
using Xunit.Abstractions;

namespace PatientContact.Rules.Tests;

/// <summary>
/// Every phrase of the corpus (tests/Rules.Tests/Corpus/red-flag-corpus.txt) through the real rule files, for
/// every service type it is for. Recall: the share of must-flag phrases that raise a red flag on each of their
/// service types. False alarms: the share of ordinary requests that raise one on any type.
/// </summary>
public sealed class RedFlagCorpusTests(ITestOutputHelper output)
{
    public const double MinimumRecall = 0.98;
    public const double MaximumFalseAlarms = 0.05;

    private static readonly RuleBook Book = RuleBookLoader.Load(RulesFolders.Demo);

    [Fact]
    public async Task Corpus_recall_is_at_least_98_percent_and_false_alarms_at_most_5_percent()
    {
        var corpus = RedFlagCorpus.Read();
        var mustFlag = corpus.Where(p => p.MustFlag).ToList();
        var ordinary = corpus.Where(p => !p.MustFlag).ToList();
        var missed = new List<string>();
        var falseAlarms = new List<string>();
        var otherRule = 0;

        foreach (var phrase in mustFlag)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var everyType = true;
            foreach (var service in Book.Services.Where(s => phrase.ServiceType is null || s.Type == phrase.ServiceType))
            {
                var flags = await Book.FindRedFlagsAsync(service, phrase.Text);
                everyType &= flags.Count > 0;
                ids.UnionWith(flags.Select(f => f.Id));
            }

            if (!everyType)
            {
                missed.Add($"line {phrase.Line} ({phrase.Category}): {phrase.Text}");
            }
            else if (!ids.Contains(phrase.Category!))
            {
                otherRule++;
            }
        }

        foreach (var phrase in ordinary)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var service in Book.Services)
            {
                ids.UnionWith((await Book.FindRedFlagsAsync(service, phrase.Text)).Select(f => f.Id));
            }

            if (ids.Count > 0)
            {
                falseAlarms.Add($"line {phrase.Line} ({string.Join(", ", ids)}): {phrase.Text}");
            }
        }

        var recall = (double)(mustFlag.Count - missed.Count) / mustFlag.Count;
        var falseAlarmRate = (double)falseAlarms.Count / ordinary.Count;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Recall {recall:P1} ({mustFlag.Count - missed.Count} of {mustFlag.Count} must-flag phrases, {otherRule} of them by a rule of another category); "
            + $"false alarms {falseAlarmRate:P1} ({falseAlarms.Count} of {ordinary.Count} ordinary requests).");
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var line in missed)
        {
            output.WriteLine($"Missed: {line}");
        }

        foreach (var line in falseAlarms)
        {
            output.WriteLine($"False alarm: {line}");
        }

        recall.ShouldBeGreaterThanOrEqualTo(MinimumRecall, $"{summary} Missed: {string.Join(" | ", missed)}");
        falseAlarmRate.ShouldBeLessThanOrEqualTo(MaximumFalseAlarms, $"{summary} False alarms: {string.Join(" | ", falseAlarms)}");
    }

    [Fact]
    public void Corpus_has_at_least_150_must_flag_phrases_in_15_categories_and_100_ordinary_requests()
    {
        var corpus = RedFlagCorpus.Read();

        corpus.Count(p => p.MustFlag).ShouldBeGreaterThanOrEqualTo(150);
        corpus.Where(p => p.MustFlag).Select(p => p.Category).Distinct().Count().ShouldBeGreaterThanOrEqualTo(15);
        corpus.Count(p => !p.MustFlag).ShouldBeGreaterThanOrEqualTo(100);
        corpus.Select(p => p.Text.ToUpperInvariant()).ShouldBeUnique();
    }

    [Fact]
    public async Task The_compiled_red_flag_rules_flag_every_corpus_phrase_exactly_as_the_rules_engine_workflow_does()
    {
        Book.RedFlagsCompiled.ShouldBeTrue("the demo rules are plain expressions, so they are called compiled");
        var texts = RedFlagCorpus.Read().Select(p => p.Text)
            .Concat(["", ".", "no chest pain, just a cough", "no chest pain yesterday. Chest pain today", new string('x', 4000), string.Concat(Enumerable.Repeat("chest pain ", 300))]);
        var compared = 0;
        foreach (var text in texts)
        {
            foreach (var service in Book.Services)
            {
                var compiled = (await Book.FindRedFlagsAsync(service, text)).Select(f => f.Id).ToList();
                var workflow = (await Book.RunRedFlagWorkflowAsync(new(service.Id, service.Type, PatientContact.Rules.Expressions.Text.Normalise(text)))).Select(f => f.Id).ToList();
                compiled.ShouldBe(workflow, $"{service.Id}: {text[..Math.Min(60, text.Length)]}");
                compared++;
            }
        }

        compared.ShouldBeGreaterThan(900, "every corpus phrase, on each of the demo services");
    }

    [Fact]
    public void Red_flag_rules_with_more_than_plain_expressions_are_run_as_a_workflow()
    {
        var plain = new RulesEngine.Models.Rule { RuleName = "a", Expression = "input.Details != null", RuleExpressionType = RulesEngine.Models.RuleExpressionType.LambdaExpression };
        var withParams = new RulesEngine.Models.Rule
        {
            RuleName = "b",
            Expression = "x",
            RuleExpressionType = RulesEngine.Models.RuleExpressionType.LambdaExpression,
            LocalParams = [new RulesEngine.Models.ScopedParam { Name = "x", Expression = "input.Details != null" }],
        };

        PatientContact.Rules.Loading.CompiledRedFlags.For(new() { WorkflowName = "RedFlags", Rules = [plain] }, RuleBookLoader.CreateSettings()).ShouldNotBeNull();
        PatientContact.Rules.Loading.CompiledRedFlags.For(new() { WorkflowName = "RedFlags", Rules = [plain, withParams] }, RuleBookLoader.CreateSettings()).ShouldBeNull();
    }

    [Fact]
    public async Task Every_corpus_category_is_a_rule_that_can_match()
    {
        var corpus = RedFlagCorpus.Read();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phrase in corpus.Where(p => p.MustFlag))
        {
            foreach (var service in Book.Services.Where(s => phrase.ServiceType is null || s.Type == phrase.ServiceType))
            {
                matched.UnionWith((await Book.FindRedFlagsAsync(service, phrase.Text)).Select(f => f.Id));
            }
        }

        corpus.Where(p => p.MustFlag).Select(p => p.Category!).Distinct().ShouldBeSubsetOf(matched);
    }
}
