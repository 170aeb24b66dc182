namespace PatientContact.Inbox.Storage;

/// <summary>The usage counters the conversation writes and the reports read: counts only, never personal data.</summary>
public static class UsageCounterNames
{
    public const string Submitted = "submitted";
    /// <summary>The patient was told to call 999 (they said it was an emergency, or stopped after red-flag advice).</summary>
    public const string EmergencyAdvice = "emergency-advice";
    /// <summary>A request type that is advice, not a request, was chosen and its advice shown.</summary>
    public const string Advice = "advice";
    /// <summary>After red-flag advice, the patient chose to stop rather than send.</summary>
    public const string RedFlagStopped = "red-flag-stopped";
    /// <summary>The service was closed (hours or capacity) when the conversation began.</summary>
    public const string Closed = "closed";

    /// <summary>Counters of conversations that went idle at a step and were given up, one per step id: <c>stopped-at:otp</c>.</summary>
    public const string StoppedAtPrefix = "stopped-at:";

    public static string StoppedAt(string stepId) => StoppedAtPrefix + stepId;
}
