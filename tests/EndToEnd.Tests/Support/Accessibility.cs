using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>axe-core in the page, against WCAG 2.2 AA: what every browser test checks its pages with.</summary>
public static class Accessibility
{
    private static readonly AxeRunOptions Wcag22AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        // Only what failed comes back: the passes are most of the result and of the time.
        ResultTypes = [ResultType.Violations],
    };

    /// <summary>Fails the test with every violation (rule, impact, help and where) found on the page as it is now.</summary>
    public static async Task ShouldHaveNoViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(Wcag22AA);
        var violations = result.Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        violations.ShouldBeEmpty($"axe-core found WCAG 2.2 AA violations on {where}");
    }
}
