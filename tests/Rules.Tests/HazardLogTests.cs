using System.Text.RegularExpressions;

namespace PatientContact.Rules.Tests;

/// <summary>The hazard log (docs/clinical-safety/hazard-log.md) names tests as evidence; each must exist as a test.</summary>
public sealed partial class HazardLogTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Every_test_named_in_the_hazard_log_exists()
    {
        var log = File.ReadAllText(Path.Combine(Root, "docs", "clinical-safety", "hazard-log.md"));
        var named = NamedTest().Matches(log).Select(m => (Class: m.Groups[1].Value, Method: m.Groups[2].Value)).Distinct().ToList();
        var tests = TestsInRepository();

        named.Count.ShouldBeGreaterThanOrEqualTo(20);
        var missing = named.Where(n => !tests.Contains(n)).Select(n => $"{n.Class}.{n.Method}").ToList();
        missing.ShouldBeEmpty("The hazard log names tests that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_hazard_has_a_cause_an_effect_controls_and_tests()
    {
        var log = File.ReadAllText(Path.Combine(Root, "docs", "clinical-safety", "hazard-log.md"));
        var hazards = Regex.Split(log, @"^## ", RegexOptions.Multiline).Skip(1).ToList();

        hazards.Count.ShouldBeGreaterThanOrEqualTo(10);
        foreach (var hazard in hazards)
        {
            var title = hazard.Split('\n')[0];
            foreach (var part in new[] { "**Cause:**", "**Effect:**", "**Initial risk:**", "**Controls:**", "**Residual risk:**" })
            {
                hazard.ShouldContain(part, customMessage: title);
            }

            NamedTest().IsMatch(hazard).ShouldBeTrue(title);
        }
    }

    /// <summary>Every [Fact] or [Theory] method under tests/, with the class it is in.</summary>
    private static HashSet<(string Class, string Method)> TestsInRepository()
    {
        var found = new HashSet<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string? currentClass = null;
            var isTest = false;
            foreach (var line in File.ReadLines(file))
            {
                if (ClassDeclaration().Match(line) is { Success: true } declared)
                {
                    currentClass = declared.Groups[1].Value;
                }

                if (line.TrimStart().StartsWith("[Fact", StringComparison.Ordinal) || line.TrimStart().StartsWith("[Theory", StringComparison.Ordinal)
                    || line.TrimStart().StartsWith("[Property", StringComparison.Ordinal))
                {
                    isTest = true;
                }
                else if (isTest && MethodDeclaration().Match(line) is { Success: true } method && currentClass is not null)
                {
                    found.Add((currentClass, method.Groups[1].Value));
                    isTest = false;
                }
            }
        }

        return found;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientContact.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PatientContact.sln not found above the test folder.");
    }

    [GeneratedRegex(@"`([A-Z]\w*Tests)\.([A-Za-z_0-9]+)`")]
    private static partial Regex NamedTest();

    [GeneratedRegex(@"\bclass\s+(\w+)")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"^\s*public\s+(?:async\s+)?(?:Task|void|bool|Property)\s+(\w+)\s*\(")]
    private static partial Regex MethodDeclaration();
}
