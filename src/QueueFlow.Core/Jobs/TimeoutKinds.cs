namespace QueueFlow.Core.Jobs;

/// <summary>The timeouts an attempt can have, as <see cref="Contracts.TimeOutTaskAttempt.Timeout"/> names them.</summary>
public static class TimeoutKinds
{
    public const string StartToClose = "startToClose";
    public const string Heartbeat = "heartbeat";
}
