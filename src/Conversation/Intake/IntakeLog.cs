using Microsoft.Extensions.Logging;

namespace PatientContact.Conversation.Intake;

/// <summary>What a turn logs: never the patient's words or answers, only the service, the step and counts.</summary>
internal static partial class IntakeLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Turn for service {ServiceId} lost a race on attempt {Attempt}; running it again on fresh state")]
    public static partial void TurnConflict(ILogger logger, string serviceId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "A conversation for service {ServiceId} expired; its answers were deleted")]
    public static partial void Expired(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Words sent to service {ServiceId} at step {Step} matched {Count} red-flag rule(s)")]
    public static partial void RedFlag(ILogger logger, string serviceId, string step, int count);
}
