namespace PatientContact.Rules.Tests.Corpus;

/// <summary>One line of <c>red-flag-corpus.txt</c>: a phrase, whether it must be flagged, its category and service type.</summary>
/// <param name="Category">The kind of red flag (a rule id) for a phrase that must be flagged; null for an ordinary request.</param>
/// <param name="ServiceType">The one service type a must-flag phrase is for; null for every type.</param>
public sealed record CorpusPhrase(string Text, string? Category, string? ServiceType, int Line)
{
    public bool MustFlag => Category is not null;
}

/// <summary>Reads the red-flag phrase corpus, shared by the rule tests and the conversation tests.</summary>
public static class RedFlagCorpus
{
    public static string FilePath { get; } = Find();

    public static IReadOnlyList<CorpusPhrase> Read()
    {
        var phrases = new List<CorpusPhrase>();
        string? category = null;
        string? serviceType = null;
        var inSection = false;
        var number = 0;
        foreach (var raw in File.ReadLines(FilePath))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var parts = line[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                (inSection, category, serviceType) = parts switch
                {
                    ["ordinary"] => (true, (string?)null, (string?)null),
                    ["flag", var c] => (true, c, null),
                    ["flag", var c, var type] => (true, c, type),
                    _ => throw new InvalidDataException($"{FilePath}:{number}: a section is \"## flag <category> [<service-type>]\" or \"## ordinary\"."),
                };
                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!inSection)
            {
                throw new InvalidDataException($"{FilePath}:{number}: a phrase before any section.");
            }

            phrases.Add(new CorpusPhrase(line, category, serviceType, number));
        }

        return phrases;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Rules.Tests", "Corpus", "red-flag-corpus.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Rules.Tests/Corpus/red-flag-corpus.txt not found above the test folder.");
    }
}
