using Microsoft.Extensions.Logging;

namespace PatientContact.Rules;

/// <summary>Log messages of the rules; they name folders, files and rules, never a patient.</summary>
internal static partial class RulesLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Loaded rules from {Directory}: {ServiceCount} services")]
    public static partial void Loaded(ILogger logger, string directory, int serviceCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reloaded rules from {Directory}: {ServiceCount} services")]
    public static partial void Reloaded(ILogger logger, string directory, int serviceCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Edited rules are broken, so the last good set stays in force: {Problem}")]
    public static partial void ReloadFailed(ILogger logger, string problem, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Watching the rules folder {Directory} failed; checking the files again")]
    public static partial void WatcherFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "A handler of the rules {Event} event threw")]
    public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);
}
