using System.Text.Json.Nodes;

namespace PatientContact.Rules.Tests;

/// <summary>The repository's rule folders, and throw-away copies of them that tests may break.</summary>
public static class RulesFolders
{
    public static string Demo { get; } = FindDemo();

    public static string Example(string name) => Path.Combine(Demo, "examples", name);

    public static string OpeningHoursAndCapacity => Example("opening-hours-and-capacity");

    private static string FindDemo()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "rules");
            if (File.Exists(Path.Combine(candidate, "services.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No rules folder above the test output.");
    }
}

/// <summary>A copy of a rules folder under the temp path, itself named <c>rules</c> so messages read "rules/x.json".</summary>
public sealed class TempRules : IDisposable
{
    private readonly string _root;

    public TempRules(string? source = null)
    {
        _root = Path.Combine(Path.GetTempPath(), "patient-contact-rules-tests", Guid.NewGuid().ToString("N"));
        Directory = Path.Combine(_root, "rules");
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(source ?? RulesFolders.Demo, "*.json"))
        {
            File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
        }
    }

    public string Directory { get; }

    public string FilePath(string file) => Path.Combine(Directory, file);

    public string Read(string file) => File.ReadAllText(FilePath(file));

    public void Write(string file, string text) => File.WriteAllText(FilePath(file), text);

    public void Delete(string file) => File.Delete(FilePath(file));

    public void Replace(string file, string oldText, string newText)
    {
        var text = Read(file);
        if (!text.Contains(oldText, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{oldText}' is not in {file}.");
        }

        Write(file, text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void EditJson(string file, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Read(file))!;
        edit(node);
        Write(file, node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The rule object with this RuleName in a workflow file's JSON.</summary>
    public static JsonObject Rule(JsonNode workflow, string ruleName) =>
        workflow["Rules"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string?)r["RuleName"] == ruleName);

    /// <summary>The service object with this id in services.json.</summary>
    public static JsonObject Service(JsonNode services, string id) =>
        services["services"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string?)s["id"] == id);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still be letting go; the temp folder is cleaned up by the OS in the end.
        }
    }
}
