namespace PatientContact.Conversation.Intake.Parsing;

/// <summary>The outcome of reading one answer: a value, or a short reason the patient can act on.</summary>
public readonly record struct Parsed<T>(bool Ok, T? Value, string? Reason)
{
    public static Parsed<T> Success(T value) => new(true, value, null);

    public static Parsed<T> Fail(string reason) => new(false, default, reason);
}
