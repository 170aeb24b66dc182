namespace PatientContact.Rules;

/// <summary>Finds the rules folder: the configured one, or the nearest <c>rules/services.json</c> above where the app runs.</summary>
internal static class RulesDirectory
{
    private const string FolderName = "rules";

    public static string Resolve(RulesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            return Path.GetFullPath(options.Directory);
        }

        string[] starts = [Directory.GetCurrentDirectory(), AppContext.BaseDirectory];
        foreach (var start in starts)
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, FolderName);
                if (File.Exists(Path.Combine(candidate, RuleBookLoader.ServicesFile)))
                {
                    return candidate;
                }
            }
        }

        throw new RuleValidationException(
            $"{FolderName}/{RuleBookLoader.ServicesFile}",
            null,
            $"No folder named '{FolderName}' holding {RuleBookLoader.ServicesFile} was found above {starts[0]} or {starts[1]}; set {RulesOptions.SectionName}:Directory.");
    }
}
