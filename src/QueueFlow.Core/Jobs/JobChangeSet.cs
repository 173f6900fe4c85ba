using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// What one command did to one job, as the rules decided it: the tasks they changed, the history entries, the
/// messages to send, the timers to set or remove, and the answers given. The job's own columns are the job itself.
/// The repository writes all of it in one transaction and then clears it; nothing else decides what is written, so a
/// rule that changes a task without touching it here changes nothing that lasts.
/// </summary>
public sealed class JobChangeSet
{
    private readonly List<JobTask> _tasks = [];

    /// <summary>The tasks the command changed, each once, in the order first touched.</summary>
    public IReadOnlyList<JobTask> Tasks => _tasks;

    public List<JobHistoryEntry> History { get; } = [];

    public List<OutgoingMessage> Messages { get; } = [];

    public List<TimerChange> Timers { get; } = [];

    /// <summary>Answers given to the command, counted in the metrics once the job is committed.</summary>
    public List<CommandOutcome> Outcomes { get; } = [];

    /// <summary>Marks <paramref name="task"/> as changed by this command, so its row is written.</summary>
    public void Touch(JobTask task)
    {
        // A command touches a handful of tasks at most: a scan beats a set.
        foreach (var touched in _tasks)
        {
            if (ReferenceEquals(touched, task))
                return;
        }

        _tasks.Add(task);
    }

    public void Clear()
    {
        _tasks.Clear();
        History.Clear();
        Messages.Clear();
        Timers.Clear();
        Outcomes.Clear();
    }
}
