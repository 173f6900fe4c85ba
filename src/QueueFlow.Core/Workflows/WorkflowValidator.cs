using QueueFlow.Core.Jobs;

namespace QueueFlow.Core.Workflows;

/// <summary>
/// Checks a definition's graph: ids, transitions that name real tasks, and that every task lies on a
/// path from <c>workflow_start</c> to <c>workflow_end</c>, so no job can start a task it cannot finish from.
/// Each error starts with the JSON path of what it is about (<c>tasks[1].id: …</c>).
/// </summary>
public static class WorkflowValidator
{
    /// <summary>
    /// Every error of the definition. <paramref name="taskPaths"/> and <paramref name="transitionPaths"/> give the JSON
    /// path of each task and transition in the document it was read from (by default their index in the lists);
    /// <paramref name="checkPaths"/> is false when a transition could not be read, since reachability would then
    /// report what the missing transition caused rather than what the document says.
    /// </summary>
    public static IReadOnlyList<string> Validate(
        WorkflowDefinition definition, IReadOnlyList<string>? taskPaths = null, IReadOnlyList<TransitionPath>? transitionPaths = null, bool checkPaths = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        string TaskPath(int i) => taskPaths?[i] ?? $"tasks[{i}]";
        TransitionPath EdgePath(int i) => transitionPaths?[i] ?? TransitionPath.InList(i);

        var errors = new List<string>();
        var firstById = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Tasks.Count; i++)
        {
            var task = definition.Tasks[i];
            var path = TaskPath(i);
            if (!firstById.TryAdd(task.Id, path))
                errors.Add($"{path}.id: duplicate task id '{task.Id}' (first at {firstById[task.Id]})");
            if (task.Id is WorkflowDefinition.Start or WorkflowDefinition.End or "workflow" || task.Id.StartsWith("__", StringComparison.Ordinal))
                errors.Add($"{path}.id: '{task.Id}' is a reserved id");
            if (task.Id.Length > WorkflowParser.MaxIdLength || task.Id.Trim() != task.Id || task.Id.Contains('\0', StringComparison.Ordinal))
                errors.Add($"{path}.id: must be at most {WorkflowParser.MaxIdLength} characters without leading or trailing white space");
            if (task.Kind == TaskKind.Worker && string.IsNullOrWhiteSpace(task.Queue))
                errors.Add($"{path}.queue: worker task '{task.Id}' needs a queue");
            if (task.Kind == TaskKind.Workflow && string.IsNullOrWhiteSpace(task.Workflow))
                errors.Add($"{path}.workflow: workflow task '{task.Id}' needs the workflow it runs");
            if (task.Kind != TaskKind.Workflow && (task.Workflow is not null || task.WorkflowVersion is not null))
                errors.Add($"{path}.workflow: only a workflow task names a workflow and version, not {task.Kind.ToString().ToLowerInvariant()} task '{task.Id}'");
            if (task.Kind == TaskKind.Workflow && task.Workflow == definition.Name)
                errors.Add($"{path}.workflow: workflow task '{task.Id}' runs its own workflow '{definition.Name}': a job may not start itself");
            if (task.OnFailure == FailurePolicy.ErrorTransition && !definition.Outgoing[task.Id].Any(t => t.State == FinishStates.Error))
                errors.Add($"{path}.onFailure: '{task.Id}' fails by its error transition but has no transition on 'error'");
        }

        var nodes = new HashSet<string>(firstById.Keys, StringComparer.Ordinal) { WorkflowDefinition.Start, WorkflowDefinition.End };
        var seenEdges = new HashSet<(string, string, string)>();
        for (var i = 0; i < definition.Transitions.Count; i++)
        {
            var edge = definition.Transitions[i];
            var path = EdgePath(i);
            if (!nodes.Contains(edge.From))
                errors.Add($"{path.From}: '{edge.From}' -> '{edge.To}' starts at unknown task '{edge.From}'");
            if (!nodes.Contains(edge.To))
                errors.Add($"{path.To}: '{edge.From}' -> '{edge.To}' leads to unknown task '{edge.To}'");
            if (edge.From == WorkflowDefinition.End)
                errors.Add($"{path.From}: nothing can follow workflow_end");
            if (edge.To == WorkflowDefinition.Start)
                errors.Add($"{path.To}: nothing can lead back to workflow_start");
            if (!seenEdges.Add((edge.From, edge.To, edge.State)))
                errors.Add($"{path.Edge}: '{edge.From}' -> '{edge.To}' on '{edge.State}' is listed twice");
        }

        if (!checkPaths)
            return errors;

        // Reachability is read from the transitions as written: one to an unknown task leads nowhere, which is
        // what a job would find, so the tasks it cut off are reported beside it.
        var forward = WorkflowDefinition.Reach(WorkflowDefinition.Start, definition.Outgoing, t => t.To);
        var backward = WorkflowDefinition.Reach(WorkflowDefinition.End, definition.Incoming, t => t.From);
        if (!forward.Contains(WorkflowDefinition.End))
            errors.Add("transitions: there is no path from workflow_start to workflow_end");
        for (var i = 0; i < definition.Tasks.Count; i++)
        {
            var task = definition.Tasks[i];
            if (firstById[task.Id] != TaskPath(i))
                continue;
            if (!forward.Contains(task.Id))
                errors.Add($"{TaskPath(i)}: '{task.Id}' cannot be reached from workflow_start");
            else if (!backward.Contains(task.Id))
                errors.Add($"{TaskPath(i)}: '{task.Id}' has no path to workflow_end");
        }

        return errors;
    }
}
