using Microsoft.Extensions.Logging;

namespace QueueFlow.Scheduling;

/// <summary>Timer log lines: keys, message types and destinations only, never the message itself.</summary>
internal static partial class TimerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Timer {TimerKey} scheduled at {DueAt:O} to send {MessageType} to {Destination}")]
    public static partial void Scheduled(ILogger logger, string timerKey, DateTimeOffset dueAt, string messageType, Uri destination);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Timer {TimerKey} cancelled (found: {Found})")]
    public static partial void Cancelled(ILogger logger, string timerKey, bool found);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Timer {TimerKey} of job {JobId} sent {MessageType} to {Destination} (retry {RetryAttempt})")]
    public static partial void Sent(ILogger logger, string timerKey, Guid jobId, string messageType, Uri destination, int retryAttempt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Timer {TimerKey} of job {JobId} could not send {MessageType} to {Destination} (retry {RetryAttempt}); Quartz fires it again later")]
    public static partial void SendFailed(ILogger logger, Exception exception, string timerKey, Guid jobId, string messageType, Uri destination, int retryAttempt);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Timer {TimerKey} is unreadable and is dropped: {Reason}")]
    public static partial void Unreadable(ILogger logger, string timerKey, string reason);
}
