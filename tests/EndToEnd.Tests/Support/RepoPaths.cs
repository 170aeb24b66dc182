namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>Finds files of this repository from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rules => Path.Combine(Root, "rules");

    public static string Examples(string name) => Path.Combine(Root, "rules", "examples", name);

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
}
