namespace PatientContact.Rules;

/// <summary>A rule file that cannot be used: names the file, the rule (or service) and the reason.</summary>
/// <remarks>Message reads like <c>rules/request-types.json, rule 'medical-request': Expression is invalid: ...</c>.</remarks>
public sealed class RuleValidationException : Exception
{
    public RuleValidationException(string file, string? rule, string reason, Exception? innerException = null)
        : this(file, rule, reason, "rule", innerException)
    {
    }

    internal RuleValidationException(string file, string? rule, string reason, string subject, Exception? innerException)
        : base(rule is null ? $"{file}: {reason}" : $"{file}, {subject} '{rule}': {reason}", innerException)
    {
        File = file;
        Rule = rule;
        Reason = reason;
    }

    /// <summary>The file, shown as its folder and name, e.g. <c>rules/red-flags.json</c>.</summary>
    public string File { get; }

    /// <summary>The rule name (or, in <c>services.json</c>, the service id) at fault, if the fault is in one.</summary>
    public string? Rule { get; }

    public string Reason { get; }
}
