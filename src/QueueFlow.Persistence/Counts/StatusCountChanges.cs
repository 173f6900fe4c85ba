using QueueFlow.Contracts;

namespace QueueFlow.Persistence.Counts;

/// <summary>
/// The net change one write makes to the status counts (see <see cref="StatusCounts"/>): +1 and -1 per job or task
/// status summed by (entity, name, status), zeros dropped. A completion that moves one task from Running to Completed and
/// the next from Pending to Running nets two rows (Pending -1, Completed +1) where the row triggers add four; a new job
/// of ten tasks nets three where they add eleven. Names and statuses are stored as the triggers store them: a job by its
/// workflow, a task by its queue ('' for none), a status by its name.
/// </summary>
internal sealed class StatusCountChanges
{
    private readonly Dictionary<(string Entity, string Name, string Status), int> _deltas = [];

    public void Job(string workflow, JobStatus status, int delta) => Add(StatusCounts.Jobs, workflow, status.ToString(), delta);

    public void Task(string? queue, TaskRunStatus status, int delta) => Add(StatusCounts.Tasks, queue ?? string.Empty, status.ToString(), delta);

    /// <summary>Adds another write's changes, for writes committed together.</summary>
    public void Add(StatusCountChanges other)
    {
        foreach (var ((entity, name, status), delta) in other._deltas)
            Add(entity, name, status, delta);
    }

    /// <summary>The changes that did not cancel out, as the columns of their rows.</summary>
    public (string[] Entities, string[] Names, string[] Statuses, int[] Deltas) Rows()
    {
        var rows = _deltas.Where(d => d.Value != 0).ToList();
        return ([.. rows.Select(r => r.Key.Entity)], [.. rows.Select(r => r.Key.Name)], [.. rows.Select(r => r.Key.Status)], [.. rows.Select(r => r.Value)]);
    }

    private void Add(string entity, string name, string status, int delta)
    {
        var key = (entity, name, status);
        _deltas[key] = _deltas.GetValueOrDefault(key) + delta;
    }
}
