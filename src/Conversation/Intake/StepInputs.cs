namespace PatientContact.Conversation.Intake;

/// <summary>How a step's answer is given on a page (the form channel and staff entry).</summary>
public enum AnswerKind
{
    /// <summary>Radios whose values are the choice numbers; used whenever the step's question has choices.</summary>
    Choice,
    Text,
    /// <summary>A textarea with a character count.</summary>
    LongText,
    /// <summary>The NHS.UK date input: day, month and year.</summary>
    Date,
    /// <summary>The one-time code, with a button to send a new one.</summary>
    Code,
    /// <summary>A file input for photos, with a second button to add them and choose more.</summary>
    Photos,
}

/// <summary>
/// What a page needs to know about a step's answer that a chat does not: the kind of field, and the browser's
/// <c>autocomplete</c> and <c>inputmode</c> hints. Only the person's own details are autocompleted: for someone
/// else, the browser would fill in the wrong person's. Each step gives its own.
/// </summary>
/// <param name="Question">The question as a page asks it, where the chat's words speak of replying (null: the chat's own).</param>
/// <param name="Hint">Words under the question on a page instead of the chat's own (null: the chat's, after its question).</param>
/// <param name="MaxLength">The longest answer, for the character count.</param>
public sealed record StepInput(
    AnswerKind Kind,
    string? Autocomplete = null,
    string? InputMode = null,
    string? Width = null,
    bool Spellcheck = false,
    string? Question = null,
    string? Hint = null,
    int? MaxLength = null)
{
    /// <summary>The step's own: each step says how its answer is given (<see cref="Steps.IntakeStep.Input"/>).</summary>
    public static StepInput For(Step step, IntakeSession session) => Steps.IntakeSteps.For(step).Input(session);
}

/// <summary>On the staff channel, at the code: the member of staff checked the caller's identity themselves.</summary>
public static class StaffIdentityCheck
{
    /// <summary>The answer that skips the code (as <see cref="Parsing.TextInput.Fold"/> leaves it).</summary>
    public const string Answer = "identity checked by staff";

    public const string Label = "Identity checked by staff";
}
