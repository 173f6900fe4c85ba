using QueueFlow.Core.Jobs;

namespace QueueFlow.Core.Workflows;

/// <summary>
/// Checks a definition's graph: ids, transitions that name real tasks, and that every task lies on a
/// path from <c>workflow_start</c> to <c>workflow_end</c>, so no job can start a task it cannot finish from.
/// </summary>
public static class WorkflowValidator
{
    public static IReadOnlyList<string> Validate(WorkflowDefinition definition)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in definition.Tasks)
        {
            if (!ids.Add(task.Id))
                errors.Add($"tasks: duplicate task id '{task.Id}'");
            if (task.Id is WorkflowDefinition.Start or WorkflowDefinition.End or "workflow" || task.Id.StartsWith("__", StringComparison.Ordinal))
                errors.Add($"tasks: '{task.Id}' is a reserved id");
            if (task.Id.Length > WorkflowParser.MaxIdLength || task.Id.Trim() != task.Id || task.Id.Contains('\0', StringComparison.Ordinal))
                errors.Add($"tasks: '{task.Id}' must be at most {WorkflowParser.MaxIdLength} characters without leading or trailing white space");
            if (task.Kind == TaskKind.Worker && string.IsNullOrWhiteSpace(task.Queue))
                errors.Add($"tasks: worker task '{task.Id}' needs a queue");
            if (task.Kind == TaskKind.Workflow && string.IsNullOrWhiteSpace(task.Workflow))
                errors.Add($"tasks: workflow task '{task.Id}' needs the workflow it runs");
            if (task.Kind != TaskKind.Workflow && (task.Workflow is not null || task.WorkflowVersion is not null))
                errors.Add($"tasks: only a workflow task names a workflow and version, not {task.Kind.ToString().ToLowerInvariant()} task '{task.Id}'");
            if (task.Kind == TaskKind.Workflow && task.Workflow == definition.Name)
                errors.Add($"tasks: workflow task '{task.Id}' runs its own workflow '{definition.Name}': a job may not start itself");
            if (task.OnFailure == FailurePolicy.ErrorTransition && !definition.Outgoing[task.Id].Any(t => t.State == FinishStates.Error))
                errors.Add($"tasks: '{task.Id}' fails by its error transition but has no transition on 'error'");
        }

        var nodes = new HashSet<string>(ids, StringComparer.Ordinal) { WorkflowDefinition.Start, WorkflowDefinition.End };
        var seenEdges = new HashSet<(string, string, string)>();
        foreach (var edge in definition.Transitions)
        {
            if (!nodes.Contains(edge.From))
                errors.Add($"transitions: '{edge.From}' -> '{edge.To}' starts at unknown task '{edge.From}'");
            if (!nodes.Contains(edge.To))
                errors.Add($"transitions: '{edge.From}' -> '{edge.To}' leads to unknown task '{edge.To}'");
            if (edge.From == WorkflowDefinition.End)
                errors.Add("transitions: nothing can follow workflow_end");
            if (edge.To == WorkflowDefinition.Start)
                errors.Add("transitions: nothing can lead back to workflow_start");
            if (!seenEdges.Add((edge.From, edge.To, edge.State)))
                errors.Add($"transitions: '{edge.From}' -> '{edge.To}' on '{edge.State}' is listed twice");
        }

        if (errors.Count > 0)
            return errors;

        var forward = WorkflowDefinition.Reach(WorkflowDefinition.Start, definition.Outgoing, t => t.To);
        var backward = WorkflowDefinition.Reach(WorkflowDefinition.End, definition.Incoming, t => t.From);
        if (!forward.Contains(WorkflowDefinition.End))
            errors.Add("transitions: there is no path from workflow_start to workflow_end");
        foreach (var task in definition.Tasks)
        {
            if (!forward.Contains(task.Id))
                errors.Add($"tasks: '{task.Id}' cannot be reached from workflow_start");
            else if (!backward.Contains(task.Id))
                errors.Add($"tasks: '{task.Id}' has no path to workflow_end");
        }

        return errors;
    }
}
