namespace PatientContact.Inbox;

/// <summary>
/// Marks an options property whose setting every deployment outside Development must give: start-up there refuses a
/// configuration without it, naming it and what it is for. The requirement sits on the property the setting binds to,
/// so it is read where the setting is and cannot be required under one name while bound under another.
/// The check asks whether the configuration gives the key, not what the bound property holds: a property with a
/// default (<c>Twilio:ApiBaseUrl</c>) is still required, so a deployment states the value rather than inheriting it.
/// On an enum property the value must also be one of the enum's names.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredOutsideDevelopmentAttribute(string meaning) : Attribute
{
    /// <summary>What the setting is for, shown when it is missing.</summary>
    public string Meaning { get; } = meaning;

    /// <summary>
    /// Null when the setting is always required. Otherwise the name of a public static method of the same options
    /// class, <c>bool Method(IConfiguration)</c>, saying when it is (for example only when <c>Storage:Provider</c>
    /// chooses that store). It reads the configuration's text rather than bound options, so a wrong value in
    /// another setting is reported with the rest instead of stopping the check.
    /// </summary>
    public string? When { get; set; }
}
