namespace PatientContact.Rules;

/// <summary>Where the rule files live; bound from the <c>Rules</c> configuration section.</summary>
public sealed class RulesOptions
{
    public const string SectionName = "Rules";

    /// <summary>
    /// The folder holding <c>services.json</c> and the workflows. When null, the nearest folder named <c>rules</c>
    /// holding a <c>services.json</c>, walking up from the current directory and then from the app's base directory.
    /// </summary>
    public string? Directory { get; set; }
}
