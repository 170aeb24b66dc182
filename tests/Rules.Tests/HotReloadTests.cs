namespace PatientContact.Rules.Tests;

public sealed class HotReloadTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 10, 0, 0, TimeSpan.Zero);

    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public async Task Edited_request_types_are_reloaded_and_announced()
    {
        using var provider = new FileRuleBookProvider(_rules.Directory);
        var reloaded = Next(h => provider.Reloaded += h);

        _rules.Replace("request-types.json", "\"label\": \"Admin request\"", "\"label\": \"Admin or paperwork request\"");

        var book = await reloaded.WaitAsync(Patience);
        provider.Current.ShouldBeSameAs(book);
        var types = await book.GetRequestTypesAsync(book.FindService("riverside-gp")!, Channels.WebChat, Monday);
        types.Select(t => t.Label).ShouldBe(["Medical request", "Admin or paperwork request", "NHS online advice and guidance on conditions"]);
    }

    [Fact]
    public async Task Broken_edit_is_reported_and_the_last_good_rules_stay_in_force()
    {
        using var provider = new FileRuleBookProvider(_rules.Directory);
        var before = provider.Current;
        var failed = Next<RuleValidationException>(h => provider.ReloadFailed += h);

        _rules.Replace("request-types.json", "input.ServiceType == \\\"gp-practice\\\"", "input.ServiceTyp == \\\"gp-practice\\\"");

        var ex = await failed.WaitAsync(Patience);
        ex.File.ShouldBe("rules/request-types.json");
        ex.Rule.ShouldBe("medical-request");
        provider.Current.ShouldBeSameAs(before);
        var types = await provider.Current.GetRequestTypesAsync(before.FindService("riverside-gp")!, Channels.Sms, Monday);
        types.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Fixing_a_broken_edit_brings_the_new_rules_in()
    {
        using var provider = new FileRuleBookProvider(_rules.Directory);
        var failed = Next<RuleValidationException>(h => provider.ReloadFailed += h);
        _rules.Write("red-flags.json", "{ \"WorkflowName\": ");
        await failed.WaitAsync(Patience);

        var reloaded = Next(h => provider.Reloaded += h);
        _rules.Write("red-flags.json", File.ReadAllText(Path.Combine(RulesFolders.Demo, "red-flags.json")).Replace("\"suicid*|", "\"suicid*|hopeless|", StringComparison.Ordinal));

        var book = await reloaded.WaitAsync(Patience);
        (await book.FindRedFlagsAsync(book.Services[0], "I feel hopeless")).ShouldHaveSingleItem().Id.ShouldBe("suicidal-thoughts");
    }

    [Fact]
    public async Task Quick_successive_writes_are_loaded_together_once_they_settle()
    {
        using var provider = new FileRuleBookProvider(_rules.Directory);
        var reloads = 0;
        var settled = new TaskCompletionSource<IRuleBook>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += book =>
        {
            Interlocked.Increment(ref reloads);
            if (book.FindService("riverside-gp")!.Name == "Riverside GP Practice 5")
            {
                settled.TrySetResult(book);
            }
        };

        for (var i = 1; i <= 5; i++)
        {
            _rules.Replace("services.json", i == 1 ? "\"Riverside GP Practice\"" : $"\"Riverside GP Practice {i - 1}\"", $"\"Riverside GP Practice {i}\"");
        }

        await settled.Task.WaitAsync(Patience);
        await Task.Delay(FileRuleBookProvider.DebounceDelay * 3);

        // Five saves well inside the debounce delay: one reload, or two on a machine slow enough to pause mid-way.
        reloads.ShouldBeInRange(1, 2);
    }

    [Fact]
    public void Broken_rules_at_start_fail_construction_naming_file_rule_and_reason()
    {
        _rules.Replace("request-types.json", "\"kind\": \"advice\"", "\"kind\": \"advise\"");

        var ex = Should.Throw<RuleValidationException>(() => new FileRuleBookProvider(_rules.Directory));

        ex.Message.ShouldBe("rules/request-types.json, rule 'nhs-advice-online': Property 'kind' is 'advise'; expected one of request, advice.");
    }

    [Fact]
    public async Task Throwing_subscriber_does_not_stop_others_hearing()
    {
        using var provider = new FileRuleBookProvider(_rules.Directory);
        provider.Reloaded += _ => throw new InvalidOperationException("subscriber bug");
        var reloaded = Next(h => provider.Reloaded += h);

        _rules.Replace("services.json", "\"dailyCapacity\": null", "\"dailyCapacity\": 50");

        (await reloaded.WaitAsync(Patience)).Services[0].DailyCapacity.ShouldBe(50);
    }

    private static Task<IRuleBook> Next(Action<Action<IRuleBook>> subscribe) => Next<IRuleBook>(subscribe);

    private static Task<T> Next<T>(Action<Action<T>> subscribe)
    {
        var source = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe(value => source.TrySetResult(value));
        return source.Task;
    }
}
