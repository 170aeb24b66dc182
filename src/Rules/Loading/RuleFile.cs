using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PatientContact.Rules.Loading;

/// <summary>One rule file being read: its short name for messages and the ways to refuse it.</summary>
internal sealed class RuleFile(string display, string subject = "rule")
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Folder and file name, e.g. <c>rules/services.json</c>.</summary>
    public string Display { get; } = display;

    public static RuleFile For(string directory, string fileName, string subject = "rule")
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        return new RuleFile($"{folder}/{fileName}", subject);
    }

    [DoesNotReturn]
    public void Fail(string? rule, string reason, Exception? inner = null) =>
        throw new RuleValidationException(Display, rule, reason, subject, inner);

    public JsonDocument Parse(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException ex)
        {
            Fail(null, "The file is missing.", ex);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail(null, $"The file cannot be read: {ex.Message}", ex);
            throw;
        }

        try
        {
            return JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {ex.BytePositionInLine + 1}" : "";
            Fail(null, $"Invalid JSON{where}: {FirstSentence(ex.Message)}", ex);
            throw;
        }
    }

    /// <summary>Refuses any key not listed, naming it and the ones expected.</summary>
    public void CheckKeys(JsonElement element, IReadOnlyCollection<string> known, string? rule, string where = "")
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                var location = where.Length == 0 ? "" : $" in {where}";
                Fail(rule, $"Unknown key '{property.Name}'{location}; expected one of {string.Join(", ", known)}.");
            }
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 1." which the prefix already says better.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return cut > 0 ? message[..cut] : message;
    }
}
