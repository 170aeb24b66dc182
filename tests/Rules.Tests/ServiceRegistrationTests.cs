using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace PatientContact.Rules.Tests;

public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Configured_directory_is_the_one_loaded()
    {
        _rules.Replace("services.json", "Riverside GP Practice", "Riverside Surgery");
        using var services = Build(new() { ["Rules:Directory"] = _rules.Directory });

        var provider = services.GetRequiredService<IRuleBookProvider>();

        provider.ShouldBeOfType<FileRuleBookProvider>().Directory.ShouldBe(_rules.Directory);
        provider.Current.FindService("riverside-gp")!.Name.ShouldBe("Riverside Surgery");
        services.GetRequiredService<FileRuleBookProvider>().ShouldBeSameAs(provider);
    }

    [Fact]
    public void Without_a_directory_the_repository_rules_folder_is_found()
    {
        using var services = Build([]);

        var provider = services.GetRequiredService<IRuleBookProvider>().ShouldBeOfType<FileRuleBookProvider>();

        provider.Directory.ShouldBe(RulesFolders.Demo);
        provider.Current.Services.Count.ShouldBe(3);
    }

    [Fact]
    public void Broken_rules_fail_the_hosted_start_up_check()
    {
        _rules.Write("availability.json", "not json");
        using var services = Build(new() { ["Rules:Directory"] = _rules.Directory });

        var ex = Should.Throw<RuleValidationException>(() => services.GetServices<IHostedService>().ToList());

        ex.File.ShouldBe("rules/availability.json");
    }

    [Fact]
    public void System_clock_is_registered_only_when_none_is()
    {
        var fake = new FakeTimeProvider();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(fake);
        collection.AddRules(new ConfigurationBuilder().Build());
        using var withFake = collection.BuildServiceProvider();
        using var withDefault = Build([]);

        withFake.GetRequiredService<TimeProvider>().ShouldBeSameAs(fake);
        withDefault.GetRequiredService<TimeProvider>().ShouldBeSameAs(TimeProvider.System);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddRules(configuration).BuildServiceProvider();
    }
}
