using PatientContact.Rules.Expressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace PatientContact.Rules.Loading;

/// <summary>
/// The red-flag rules, each expression compiled once by RulesEngine's own expression parser (the one the engine
/// uses for a workflow's rules) and then called straight for every text. Every text a patient sends is screened,
/// so this is on every turn: the workflow run (<c>ExecuteAllRulesAsync</c>) made a result tree, a parameter list and
/// a task for each of the rules on each text, about 18 KB a turn, for the same true or false each expression gives.
/// </summary>
/// <remarks>
/// Used only when every rule is one plain lambda expression with no local or global parameters, nested rules
/// or actions (what <c>rules/red-flags.json</c> holds); otherwise <see cref="For"/> gives null and the book runs
/// the workflow as before. Disabled rules are left out, as the engine leaves them out. An expression that throws
/// throws here too, as the engine is set up to (<see cref="RuleBookLoader.CreateSettings"/>).
/// </remarks>
internal sealed class CompiledRedFlags
{
    private readonly (string RuleName, Func<object[], bool> Matches)[] _rules;

    private CompiledRedFlags((string, Func<object[], bool>)[] rules) => _rules = rules;

    /// <summary>The rules compiled, or null when the workflow uses more than plain expressions.</summary>
    public static CompiledRedFlags? For(Workflow workflow, ReSettings settings)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        if (workflow.GlobalParams?.Any() == true || workflow.Rules.Any(r => !IsPlain(r)))
        {
            return null;
        }

        var parser = new RuleExpressionParser(settings);
        var input = new[] { RuleParameter.Create(RuleBook.Input, new RedFlagInput("", "", "")) };
        return new CompiledRedFlags([.. workflow.Rules.Where(r => r.Enabled).Select(r => (r.RuleName, parser.Compile<bool>(r.Expression, input)))]);
    }

    /// <summary>The names of the rules whose expression is true for <paramref name="input"/>, in the file's order.</summary>
    public List<string>? Matching(RedFlagInput input)
    {
        object[] arguments = [input];
        List<string>? names = null;
        foreach (var (name, matches) in _rules)
        {
            if (matches(arguments))
            {
                (names ??= []).Add(name);
            }
        }

        return names;
    }

    private static bool IsPlain(Rule rule) =>
        rule.RuleExpressionType == RuleExpressionType.LambdaExpression
        && !string.IsNullOrWhiteSpace(rule.Expression)
        && rule.Rules?.Any() != true
        && rule.LocalParams?.Any() != true
        && rule.Actions is null;
}
