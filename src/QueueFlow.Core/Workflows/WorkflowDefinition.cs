namespace QueueFlow.Core.Workflows;

/// <summary>
/// A validated, immutable workflow definition: tasks and the transitions between them.
/// Build one with <see cref="WorkflowParser"/>; a job keeps running the version it started with.
/// </summary>
/// <remarks>
/// A transition back to a task that leads to it (found by a depth-first walk from workflow_start) is a
/// loop: taking it runs that part of the graph again as a new iteration. Joins wait only on forward
/// transitions, so a loop never waits on itself.
/// </remarks>
public sealed class WorkflowDefinition
{
    public const string Start = "workflow_start";
    public const string End = "workflow_end";
    public const int DefaultMaxIterations = 100;

    readonly HashSet<TransitionDefinition> _loops;

    public WorkflowDefinition(
        string name,
        int? version,
        IReadOnlyList<TaskDefinition> tasks,
        IReadOnlyList<TransitionDefinition> transitions,
        int maxIterations = DefaultMaxIterations,
        TimeSpan? deadline = null,
        DeadlineAction onDeadline = DeadlineAction.FailJob)
    {
        Name = name;
        Version = version;
        Tasks = tasks;
        Transitions = transitions;
        MaxIterations = maxIterations;
        Deadline = deadline;
        OnDeadline = onDeadline;

        // Duplicates are the validator's to report; the first of them stands here.
        TasksById = tasks.DistinctBy(t => t.Id, StringComparer.Ordinal).ToDictionary(t => t.Id, StringComparer.Ordinal);
        Outgoing = transitions.ToLookup(t => t.From, StringComparer.Ordinal);
        Incoming = transitions.ToLookup(t => t.To, StringComparer.Ordinal);
        _loops = FindLoops();
        ForwardOutgoing = transitions.Where(t => !_loops.Contains(t)).ToLookup(t => t.From, StringComparer.Ordinal);
        ForwardIncoming = transitions.Where(t => !_loops.Contains(t)).ToLookup(t => t.To, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>The version asked for in the document; the catalog assigns one when it is null.</summary>
    public int? Version { get; }
    public IReadOnlyList<TaskDefinition> Tasks { get; }
    public IReadOnlyList<TransitionDefinition> Transitions { get; }

    /// <summary>How many iterations a task may run through loops before the job fails.</summary>
    public int MaxIterations { get; }

    /// <summary>How long a job may run from its start before <see cref="OnDeadline"/> happens to it.</summary>
    public TimeSpan? Deadline { get; }
    public DeadlineAction OnDeadline { get; }
    public IReadOnlyDictionary<string, TaskDefinition> TasksById { get; }
    public ILookup<string, TransitionDefinition> Outgoing { get; }
    public ILookup<string, TransitionDefinition> Incoming { get; }
    public ILookup<string, TransitionDefinition> ForwardOutgoing { get; }
    public ILookup<string, TransitionDefinition> ForwardIncoming { get; }

    public bool IsLoop(TransitionDefinition transition) => _loops.Contains(transition);

    /// <summary>
    /// The tasks a loop runs again: those on a forward path from its target to its source, both included.
    /// </summary>
    public IReadOnlySet<string> LoopBody(TransitionDefinition loop)
    {
        var fromTarget = Reach(loop.To, ForwardOutgoing, t => t.To);
        var toSource = Reach(loop.From, ForwardIncoming, t => t.From);
        fromTarget.IntersectWith(toSource);
        return fromTarget;
    }

    public WorkflowDefinition WithVersion(int version) => new(Name, version, Tasks, Transitions, MaxIterations, Deadline, OnDeadline);

    internal static HashSet<string> Reach(string from, ILookup<string, TransitionDefinition> edges, Func<TransitionDefinition, string> next)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var node))
        {
            foreach (var edge in edges[node])
            {
                if (seen.Add(next(edge)))
                    pending.Push(next(edge));
            }
        }

        return seen;
    }

    HashSet<TransitionDefinition> FindLoops()
    {
        var loops = new HashSet<TransitionDefinition>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        Visit(Start);
        return loops;

        void Visit(string node)
        {
            done.Add(node);
            onPath.Add(node);
            foreach (var edge in Outgoing[node])
            {
                if (onPath.Contains(edge.To))
                    loops.Add(edge);
                else if (!done.Contains(edge.To))
                    Visit(edge.To);
            }

            onPath.Remove(node);
        }
    }
}
