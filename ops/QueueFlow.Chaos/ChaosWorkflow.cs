using System.Text.Json;

namespace QueueFlow.Chaos;

/// <summary>
/// The workflow every chaos job runs: <c>prepare</c> (retries with backoff), then two parallel branches,
/// <c>left</c> (a short start-to-close timeout the simulated workers sometimes let pass) and <c>right</c>
/// (a heartbeat timeout, kept alive by heartbeats while it answers late), joined by <c>join</c>.
/// Every timer kind a job can own is exercised: retry backoff, start-to-close and heartbeat timeouts.
/// </summary>
internal static class ChaosWorkflow
{
    public const string Name = "chaos";
    public const string TaskQueue = "chaos-tasks";
    public const string JoinTask = "join";
    public const string TimeoutTask = "left";
    public const string HeartbeatTask = "right";

    /// <summary>Attempts a task may have: the simulated workers only fail or ignore the first two, so every job can finish.</summary>
    public const int Retries = 4;

    public const int TimeoutSeconds = 5;
    public const int HeartbeatTimeoutSeconds = 5;

    public static string Definition() => JsonSerializer.Serialize(new
    {
        name = Name,
        tasks = new object[]
        {
            new { id = "prepare", queue = TaskQueue, retries = Retries, retryDelaySeconds = 1, retryBackoffMultiplier = 2, maxRetryDelaySeconds = 4 },
            new { id = TimeoutTask, queue = TaskQueue, retries = Retries, timeoutSeconds = TimeoutSeconds, retryDelaySeconds = 1 },
            new { id = HeartbeatTask, queue = TaskQueue, retries = Retries, heartbeatTimeoutSeconds = HeartbeatTimeoutSeconds, retryDelaySeconds = 1 },
            new { id = JoinTask, queue = TaskQueue, retries = Retries, retryDelaySeconds = 1 },
        },
        transitions = new object[]
        {
            new { from = "workflow_start", to = "prepare" },
            new { from = "prepare", to = TimeoutTask },
            new { from = "prepare", to = HeartbeatTask },
            new { from = TimeoutTask, to = JoinTask },
            new { from = HeartbeatTask, to = JoinTask },
            new { from = JoinTask, to = "workflow_end" },
        },
    });
}
