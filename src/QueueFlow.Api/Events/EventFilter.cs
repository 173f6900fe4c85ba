namespace QueueFlow.Api.Events;

/// <summary>Which changes a stream carries: one job, one workflow, any of some statuses. Null or empty means "any".</summary>
public sealed record EventFilter
{
    public Guid? JobId { get; init; }
    public string? Workflow { get; init; }
    public IReadOnlySet<string> Statuses { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool Matches(JobEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return (JobId is not { } job || change.JobId == job)
            && (Workflow is not { } workflow || string.Equals(change.Workflow, workflow, StringComparison.Ordinal))
            && (Statuses.Count == 0 || Statuses.Contains(change.Status));
    }
}
