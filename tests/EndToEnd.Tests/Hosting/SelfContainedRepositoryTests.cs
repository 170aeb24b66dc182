using System.Text.RegularExpressions;
using System.Xml.Linq;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Hosting;

/// <summary>
/// Someone who clones the repository has nothing beside it: no build step, test, benchmark or
/// script may read a file above the repository's root. Markdown may still point readers elsewhere.
/// </summary>
public class SelfContainedRepositoryTests
{
    [Fact]
    public void No_source_script_or_build_file_reads_a_path_outside_the_repository()
    {
        var findings = OutsidePaths.InTree(RepoPaths.Root);

        findings.ShouldBeEmpty(string.Join(Environment.NewLine, findings));
    }

    [Theory]
    // Each example is written with "{up}" for ".." and "{beside}" for the folder's name, so this
    // file does not itself name a path outside the repository.
    [InlineData("var dir = Path.Combine(root, \"{up}\", \"{beside}\", \"fixtures\");")]
    [InlineData("File.ReadAllText(\"{up}/{beside}/fixtures/pds/x.json\");")]
    [InlineData("cp {up}\\{beside}\\SPEC.md docs/")]
    [InlineData("node /{machine}/main/tests/peers/twilio/sign.js")]
    [InlineData("const fixtures = require('{up}/{up}/{up}/{beside}/fixtures');")]
    public void The_check_finds_a_reference_outside_the_repository(string example)
    {
        var line = example.Replace("{up}", "..", StringComparison.Ordinal)
            .Replace("{beside}", "sha" + "red", StringComparison.Ordinal)
            .Replace("{machine}", "wo" + "rk", StringComparison.Ordinal);

        OutsidePaths.InText("Example.cs", line).ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("var rules = Path.Combine(RepoPaths.Root, \"rules\");")]
    [InlineData("cd \"$(dirname \"$0\")/..\"")]
    [InlineData("<Compile Include=\"..\\EndToEnd.Tests\\Support\\TwilioApiFake.cs\" />")]
    public void The_check_accepts_paths_inside_the_repository(string line)
    {
        OutsidePaths.InText("Example.cs", line).ShouldBeEmpty();
    }

    [Fact]
    public void The_check_finds_a_project_reference_that_climbs_above_the_root()
    {
        var project = Path.Combine(RepoPaths.Root, "tests", "EndToEnd.Tests", "Example.csproj");
        var xml = "<Project><ItemGroup><None Include=\"..\\..\\..\\outside\\fixtures\\**\" /></ItemGroup></Project>";

        OutsidePaths.InBuildFile(RepoPaths.Root, project, xml).ShouldNotBeEmpty();
    }
}

/// <summary>Finds text in the repository's files that names a path outside it.</summary>
internal static partial class OutsidePaths
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git", "data", "TestResults", "BenchmarkDotNet.Artifacts"];

    private static readonly string[] TextExtensions = [".cs", ".razor", ".csproj", ".props", ".targets", ".sln", ".sh", ".js", ".mjs", ".cjs", ".json", ".yml", ".yaml", ".xml", ".config", ""];

    private static readonly string[] BuildExtensions = [".csproj", ".props", ".targets"];

    public static IReadOnlyList<string> InTree(string root)
    {
        var findings = new List<string>();
        foreach (var file in Files(new DirectoryInfo(root)))
        {
            var text = File.ReadAllText(file.FullName);
            var relative = Path.GetRelativePath(root, file.FullName);
            findings.AddRange(InText(relative, text));
            if (BuildExtensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
            {
                findings.AddRange(InBuildFile(root, file.FullName, text));
            }
        }

        return findings;
    }

    public static IReadOnlyList<string> InText(string name, string text)
    {
        var findings = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (SharedFolder().IsMatch(lines[i]) || CombinedShared().IsMatch(lines[i]) || MachinePath().IsMatch(lines[i]))
            {
                findings.Add($"{name}:{i + 1}: {lines[i].Trim()}");
            }
        }

        return findings;
    }

    /// <summary>Every relative path in an MSBuild file, resolved from that file's folder, stays under the root.</summary>
    public static IReadOnlyList<string> InBuildFile(string root, string path, string xml)
    {
        var folder = Path.GetDirectoryName(path)!;
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var findings = new List<string>();
        foreach (var attribute in XDocument.Parse(xml).Descendants().Attributes())
        {
            var value = attribute.Value.Replace('\\', Path.DirectorySeparatorChar);
            if (!value.Contains("..", StringComparison.Ordinal) || value.Contains("$(", StringComparison.Ordinal))
            {
                continue;
            }

            var resolved = Path.GetFullPath(Path.Combine(folder, value));
            if (!resolved.StartsWith(fullRoot, StringComparison.Ordinal))
            {
                findings.Add($"{Path.GetRelativePath(root, path)}: {attribute.Name}=\"{attribute.Value}\" resolves outside the repository");
            }
        }

        return findings;
    }

    private static IEnumerable<FileInfo> Files(DirectoryInfo dir)
    {
        foreach (var file in dir.EnumerateFiles())
        {
            if (TextExtensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase) && file.Length < 2_000_000
                && file.Name is not "package-lock.json")
            {
                yield return file;
            }
        }

        foreach (var sub in dir.EnumerateDirectories())
        {
            if (SkippedFolders.Contains(sub.Name, StringComparer.Ordinal))
            {
                continue;
            }

            foreach (var file in Files(sub))
            {
                yield return file;
            }
        }
    }

    // Up one or more folders, then into the folder laid beside the repository.
    [GeneratedRegex(@"\.\.[/\\]+(\.\.[/\\]+)*sha[r]ed\b")]
    private static partial Regex SharedFolder();

    // Path.Combine(x, up, beside): the same, a segment at a time.
    [GeneratedRegex(@"""\.\.""\s*,\s*""sha[r]ed""")]
    private static partial Regex CombinedShared();

    // An absolute path of one machine's checkout.
    [GeneratedRegex(@"(?<![\w.])/wo[r]k/")]
    private static partial Regex MachinePath();
}
