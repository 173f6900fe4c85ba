namespace QueueFlow.Api.Stats;

/// <summary>
/// The answer to <c>GET /api/stats</c>: jobs and tasks per status (every status, zeros included), jobs per status of
/// each workflow, tasks and broker backlog of each task queue, and completions and failures per minute over the last
/// 60 whole minutes, oldest first.
/// </summary>
public sealed record DeploymentStats(
    DateTimeOffset At,
    IReadOnlyDictionary<string, int> Jobs,
    IReadOnlyDictionary<string, int> Tasks,
    IReadOnlyList<WorkflowStats> Workflows,
    IReadOnlyList<QueueStats> Queues,
    IReadOnlyList<ThroughputMinute> Throughput);
